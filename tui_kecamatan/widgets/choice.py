"""A set of radio buttons where moving the highlight chooses, as a clerk expects: Right then
Ctrl+S saves what the highlight is on, not what was chosen before."""

from __future__ import annotations

from textual.widgets import RadioButton, RadioSet


class ChoiceSet(RadioSet):
    """Textual's RadioSet, but the arrow keys press the button they move to (Enter and Space
    still press the highlighted one)."""

    def action_next_button(self) -> None:
        super().action_next_button()
        self._press_selected()

    def action_previous_button(self) -> None:
        super().action_previous_button()
        self._press_selected()

    def _press_selected(self) -> None:
        if self._selected is not None:
            button = self._nodes[self._selected]
            if isinstance(button, RadioButton) and not button.value:
                button.value = True
