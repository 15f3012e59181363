"""One audit event in full, in a dialog: every field, the detail wrapped, all of it shown literally."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Static

from printing.text import format_date
from tui_kecamatan.core import clock
from tui_kecamatan.core.audit_view import LOGIN_ACTIONS, Event, parse_place
from tui_kecamatan.i18n import _
from tui_kecamatan.widgets.dialog import Dialog, DialogBox

LABEL_WIDTH = 11


def event_fields(event: Event) -> list[tuple[str, str]]:
    """The event's fields as (label, value) lines, in the order the dialog shows them."""
    local = clock.to_local(event.at)
    when = f"{format_date(local)} {local:%H:%M:%S} {clock.zone_abbreviation()}".rstrip()
    who = event.actor + (f" ({event.staff_name})" if event.staff_name and event.staff_name != event.actor else "")
    record = event.record_label
    if event.record_key and event.record_key != record:
        record = f"{record} ({event.record_key})" if record else event.record_key
    fields = [
        (_("No."), str(event.id)),
        (_("Waktu"), when),
        (_("Petugas"), who),
        (_("Aksi"), f"{event.action_label} ({event.action})"),
        (_("Catatan"), record or "-"),
    ]
    if event.action in LOGIN_ACTIONS:
        _base, station, client = parse_place(event.detail)
        fields += [(_("Stasiun"), station or "-"), (_("Klien SSH"), client or "-")]
    fields += [(_("Rincian"), event.detail or "-"), (_("Hash"), event.hash or "-")]
    return fields


class AuditEventDialog(Dialog[None]):
    """The whole of one audit event; Esc or Enter closes it."""

    DEFAULT_CSS = """
    AuditEventDialog > DialogBox {
        width: 76;
    }
    AuditEventDialog #event-fields {
        height: auto;
        max-height: 18;
        overflow-x: hidden;
    }
    AuditEventDialog .event-row {
        height: auto;
    }
    AuditEventDialog .event-label {
        width: 11;
        color: $text-muted;
        text-style: bold;
    }
    AuditEventDialog .event-value {
        width: 1fr;
    }
    """

    BINDINGS = [
        Binding("escape", "back_out", _("Tutup")),
        Binding("enter", "back_out", _("Tutup"), show=False),
        Binding("up", "scroll(-1)", _("Gulir ke atas"), show=False),
        Binding("down", "scroll(1)", _("Gulir ke bawah"), show=False),
    ]

    def __init__(self, event: Event) -> None:
        super().__init__()
        self.event = event

    def compose(self) -> ComposeResult:
        with DialogBox() as box:
            box.border_title = _("Catatan audit no. {id}").format(id=self.event.id)
            box.border_subtitle = _("↑↓ Gulir  esc Tutup")
            with VerticalScroll(id="event-fields", can_focus=False):
                for label, value in event_fields(self.event):
                    with Horizontal(classes="event-row"):
                        yield Static(Content(label), classes="event-label")
                        yield Static(Content(value), classes="event-value")

    def action_scroll(self, step: int) -> None:
        fields = self.query_one("#event-fields", VerticalScroll)
        fields.scroll_to(y=fields.scroll_y + step, animate=False)
