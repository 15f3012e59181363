"""Choices on forms: a set of radio buttons where moving the highlight chooses, as a clerk
expects (Right then Ctrl+S saves what the highlight is on, not what was chosen before), and the
marks every check box, radio button and selection list draws.

Textual draws a ticked and an unticked box with the same character in two colours, which a
monochrome or 16-colour terminal (the Linux console, PuTTY with a plain palette) may not tell
apart. The `Checkbox`, `RadioButton` and `SelectionList` here (use them instead of Textual's;
tests/test_layers.py checks it) differ by their characters: "[X]" and "[ ]" for check boxes and
selection lists, "(•)" and "( )" for radio buttons; a selection list's long items wrap onto more
lines instead of being cut.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.content import Content
from textual.strip import Strip
from textual.widgets import Checkbox as TextualCheckbox
from textual.widgets import RadioButton as TextualRadioButton
from textual.widgets import RadioSet
from textual.widgets import SelectionList as TextualSelectionList
from textual.widgets.option_list import OptionDoesNotExist

CHECK_MARKS = ("[", "X", "]")
RADIO_MARKS = ("(", "•", ")")


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
            if isinstance(button, TextualRadioButton) and not button.value:
                button.value = True


def marks(radio: bool, on: bool) -> tuple[str, str, str]:
    """The three characters of a box: "[", "X" or " ", "]" (radio: "(", "•" or " ", ")")."""
    left, inner, right = RADIO_MARKS if radio else CHECK_MARKS
    return left, inner if on else " ", right


def _toggle_button(self: TextualCheckbox | TextualRadioButton) -> Content:
    """Textual's ToggleButton._button with marks: the brackets in the label's colour, the mark in the
    button's (green when on), so colour still helps where there is colour."""
    left, inner, right = marks(isinstance(self, TextualRadioButton), self.value)
    button_style = self.get_visual_style("toggle--button")
    mark_style = button_style.__class__(foreground=button_style.foreground, bold=True)
    return Content.assemble(left, (inner, mark_style), right)


def _selection_line(self: TextualSelectionList, y: int) -> Strip:
    """SelectionList.render_line with marks, for items of one line or several: the box on an
    item's first line, blank room under it on the lines its text wraps onto."""
    line = super(TextualSelectionList, self).render_line(y)  # OptionList's: the item's text
    try:
        index, line_offset = self._lines[self.scroll_offset.y + y]
        selection = self.get_option_at_index(index)
    except (IndexError, OptionDoesNotExist):
        return line
    underlying = next(iter(line)).style or self.rich_style
    meta = Style(meta={"option": index})
    if line_offset:
        return Strip([Segment(" " * self._get_left_gutter_width(), underlying + meta), *line])
    selected = selection.value in self._selected
    component = "selection-list--button" + ("-selected" if selected else "")
    if self.highlighted == index:
        component += "-highlighted"
    button = self.get_component_rich_style(component)
    mark_style = underlying + Style(color=button.color, bold=True) + meta
    left, inner, right = marks(False, selected)
    return Strip([
        Segment(left, underlying + meta),
        Segment(inner, mark_style),
        Segment(right, underlying + meta),
        Segment(" ", underlying),
        *line,
    ])


class Checkbox(TextualCheckbox):
    """A check box drawn "[X]" when ticked and "[ ]" when not."""

    @property
    def _button(self) -> Content:
        return _toggle_button(self)


class RadioButton(TextualRadioButton):
    """A radio button drawn "(•)" when chosen and "( )" when not."""

    @property
    def _button(self) -> Content:
        return _toggle_button(self)


class SelectionList(TextualSelectionList):
    """A selection list whose items carry "[X]"/"[ ]" and wrap when long."""

    def render_line(self, y: int) -> Strip:
        return _selection_line(self, y)
