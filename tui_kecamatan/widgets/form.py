"""One-line form rows (label + compact input), a validator that reuses core's checks, so a field
shows, as it is typed, the same sentence core would refuse it with, and the reading of a typed day."""

from __future__ import annotations

from typing import Callable

from textual.actions import SkipAction
from textual.containers import Horizontal
from textual.content import Content
from textual.screen import Screen
from textual.validation import ValidationResult, Validator
from textual.widgets import Input, Label, RadioSet, Select, Static

from tui_kecamatan.errors import AppError
from tui_kecamatan.i18n import _

class CoreCheck(Validator):
    """Validate with a core function that raises an AppError (InvalidInput, say) on a bad value."""

    def __init__(self, check: Callable[[str], object]) -> None:
        super().__init__()
        self.check = check

    def validate(self, value: str) -> ValidationResult:
        try:
            self.check(value)
        except AppError as exc:
            return self.failure(str(exc), value)
        return self.success()


class FormRow(Horizontal):
    """A label and its field (an Input, or a Select or RadioSet) on one line; the label lights up
    while the field has focus. Subclasses may add widgets after the field (see intake's hints)."""

    DEFAULT_CSS = """
    FormRow {
        height: 1;
        width: 1fr;
    }
    FormRow > Label {
        width: 20;
        color: $text-muted;
    }
    FormRow.-focused > Label {
        color: $accent;
        text-style: bold;
    }
    FormRow > Input {
        width: 1fr;
    }
    """

    def __init__(self, label: str, field: Input | Select | RadioSet, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.label = label
        self.field = field
        field.compact = True

    def compose(self):
        yield Label(self.label, markup=False)
        yield self.field

    # Tracked by events rather than :focus-within, which can stay on a row focus has left.
    def on_descendant_focus(self) -> None:
        self.add_class("-focused")

    def on_descendant_blur(self) -> None:
        self.remove_class("-focused")


class FormMessage(Static):
    """The one sentence a form shows under its fields: a validation problem or core's refusal.

    An error about a field goes by itself once that field is right: the field named in `show`,
    or else the field the focus is on (or is sent to) as the error appears, when that field is
    wrong then. Right means its validators pass, or, without validators, that it is filled in.
    """

    DEFAULT_CSS = """
    FormMessage {
        height: auto;
        min-height: 1;
        color: $text-muted;
    }
    FormMessage.-error {
        color: $error;
        text-style: bold;
    }
    FormMessage.-busy {
        color: $warning;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self.subject: Input | None = None  # the field the error shown is about
        self._shown = 0  # counts what was shown, so a late guess never binds a newer sentence

    def show(self, text: str | Content, kind: str = "info", *, field: Input | None = None) -> None:
        """Show `text` literally; kind is "info", "error" or "busy". An error about `field`
        goes once the field is right (without `field`, the focused field is taken, if wrong)."""
        self.set_class(kind == "error", "-error")
        self.set_class(kind == "busy", "-busy")
        self.update(text)
        self._shown += 1
        self.subject = None
        if kind != "error" or not text:
            return
        if field is not None:
            self._follow(field)
        else:
            self._guess_subject(self._shown)
            # The form may move the focus to the wrong field right after showing the sentence.
            self.call_after_refresh(self._guess_subject, self._shown)

    def clear(self) -> None:
        self.show("")

    def _guess_subject(self, shown: int) -> None:
        focused = self.screen.focused if self.is_attached else None
        if shown == self._shown and self.subject is None and isinstance(focused, Input) and not field_is_right(focused):
            self._follow(focused)

    def _follow(self, field: Input) -> None:
        self.subject = field
        self.watch(field, "value", self._subject_changed, init=False)

    def _subject_changed(self) -> None:
        field = self.subject
        if field is not None and field_is_right(field):
            self.clear()


def field_is_right(field: Input) -> bool:
    """A field its form can accept: its validators pass, or, without validators, it is filled in."""
    if field.validators:
        return first_failure(field) is None
    return bool(field.value.strip())


def first_failure(field: Input) -> str | None:
    """Validate `field` now; return the first failure's sentence, or None when it is valid."""
    result = field.validate(field.value)
    if result is None or result.is_valid:
        return None
    return result.failure_descriptions[0] if result.failure_descriptions else ""


def _shown(widget) -> bool:
    return all(node.display for node in widget.ancestors_with_self if hasattr(node, "display"))


def advance_or_submit(screen: Screen) -> None:
    """Enter in a form of FormRows: focus the next field, or submit the last one.

    Screens bind it as a priority Enter binding, so the focus moves before the app hands the
    next keys on: a fast typist or a barcode scanner's Enter never spills text into the field
    just left. The last field is submitted after the keys it still has queued.
    """
    focused = screen.focused
    if not isinstance(focused, Input) or not isinstance(focused.parent, FormRow):
        raise SkipAction()
    fields = [row.field for row in screen.query(FormRow) if _shown(row) and not row.field.disabled]
    index = fields.index(focused) if focused in fields else len(fields) - 1
    if index + 1 < len(fields):
        screen.set_focus(fields[index + 1])
    else:
        focused.call_later(focused.action_submit)


# --- one sentence under each field ----------------------------------------------------------------


class FieldError(Static):
    """The sentence under one field of a form (id `<field id>-error`): shown while the field is
    wrong and gone once it is right, so a form shows every wrong field at once, each sentence
    next to its own field. `show_field_errors` fills them on saving, `recheck_field_errors` as
    the person types."""

    DEFAULT_CSS = """
    FieldError {
        display: none;
        height: auto;
        margin-left: 20;
        color: $error;
        text-style: bold;
    }
    FieldError.-shown {
        display: block;
    }
    """

    def __init__(self, field_id: str) -> None:
        super().__init__("", id=f"{field_id}-error", markup=False)
        self.field_id = field_id

    @property
    def shown(self) -> bool:
        return self.has_class("-shown")

    def show(self, failure: str | None) -> None:
        """Show `failure` literally under the field; None or "" hides the line."""
        self.update(failure or "")
        self.set_class(bool(failure), "-shown")


def field_error(field: Input) -> FieldError | None:
    """The FieldError line of `field` on its screen, if the form gave it one."""
    if not field.id:
        return None
    for node in field.screen.query(f"#{field.id}-error"):
        if isinstance(node, FieldError):
            return node
    return None


def show_field_errors(fields: list[Input]) -> Input | None:
    """Check every field now and show each one's sentence under it (a right field's line goes);
    return the first wrong field, to put the focus on, or None when all are right."""
    first = None
    for field in fields:
        failure = first_failure(field) if field.validators else None
        error = field_error(field)
        if error is not None:
            error.show(failure)
        if failure is not None and first is None:
            first = field
    return first


def recheck_field_errors(fields: list[Input], changed: Input | None = None) -> int:
    """As the person types: every sentence already shown is judged again and goes once its field
    is right (a repeated password turns right when the first one changes); the field just
    `changed`, when it holds text, shows its own sentence at once. An emptied field is judged on
    saving. Returns how many sentences are still shown."""
    left = 0
    for field in fields:
        error = field_error(field)
        if error is None:
            continue
        if error.shown or (field is changed and field.value):
            error.show(first_failure(field) if field.validators else None)
        left += error.shown
    return left
