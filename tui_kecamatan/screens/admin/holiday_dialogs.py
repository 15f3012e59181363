"""Filling in the national holidays and cuti bersama of a year: the year asked first, then the
list reviewed before anything is saved (each day ticked except those already saved; the admin
unticks what the office keeps open), saved in one go through core."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Button, Input, Static
from textual.widgets.selection_list import Selection

from printing.text import DAY_NAMES, format_date_short
from tui_kecamatan.core import holidays
from tui_kecamatan.core.holidays import ProposedHoliday
from tui_kecamatan.core.text import clean_text
from tui_kecamatan.errors import AppError, InvalidInput
from tui_kecamatan.i18n import _
from tui_kecamatan.screens.admin.dialogs import FormDialog
from tui_kecamatan.widgets.choice import SelectionList
from tui_kecamatan.widgets.dialog import Dialog, DialogBox, DialogButtons
from tui_kecamatan.widgets.form import FormMessage


@dataclass(frozen=True)
class NationalList:
    """The year chosen and its national holidays as core proposes them."""

    year: int
    days: list[ProposedHoliday]


class NationalYearDialog(Dialog[NationalList | None]):
    """Ask the year (the coming or the current one offered) and load its national holidays;
    a year core refuses is said under the field, which stays to be corrected."""

    DEFAULT_CSS = """
    NationalYearDialog > DialogBox {
        width: 60;
    }
    NationalYearDialog #national-year-question {
        margin: 1 0 0 0;
    }
    NationalYearDialog #national-year {
        margin: 1 0 0 0;
        width: 12;
    }
    NationalYearDialog #national-year-message {
        margin: 0 0 1 0;
    }
    """

    AUTO_FOCUS = "#national-year"
    ORDERED_GROUPS = frozenset({"load"})

    def __init__(self, year: int) -> None:
        super().__init__()
        self.year = year
        self.loading = False

    def compose(self) -> ComposeResult:
        years = holidays.national_year_range()
        with DialogBox() as box:
            box.border_title = _("Isi libur nasional")
            yield Static(_("Tahun libur nasional dan cuti bersama ({first}-{last}):").format(
                first=years[0], last=years[-1]), id="national-year-question", markup=False)
            yield Input(str(self.year), id="national-year", max_length=4, type="integer", compact=True)
            yield FormMessage(id="national-year-message")
            with DialogButtons():
                yield Button(Content(_("Lanjut (enter)")), id="national-year-ok", variant="primary", compact=True)
                yield Button(Content(_("Batal (esc)")), id="national-year-cancel", compact=True)

    @on(Input.Submitted, "#national-year")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.go_on()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "national-year-ok":
            self.go_on()
        else:
            self.action_back_out()

    def go_on(self) -> None:
        if self.loading:
            return
        message = self.query_one(FormMessage)
        try:
            year = holidays.check_year(self.query_one("#national-year", Input).value)
        except InvalidInput as exc:
            message.show(str(exc), "error")
            return
        self.loading = True
        message.show(_("memuat daftar..."), "busy")
        self.load(year)

    @work(group="load")
    async def load(self, year: int) -> None:
        try:
            days = await self.db(holidays.national_holidays, year)
        except AppError as exc:
            self.loading = False
            self.query_one(FormMessage).show(str(exc), "error")
            return
        self.dismiss(NationalList(year, days))


def day_label(day) -> str:
    """'Jum 20 Mar 2026': the weekday shortened, so a cuti bersama's place in the week shows."""
    return f"{DAY_NAMES[day.weekday()][:3]} {format_date_short(day)}"


def proposal_line(item: ProposedHoliday) -> Content:
    """One day of the review list: date, name, and whether (and under what name) it is saved."""
    line = Content.assemble((f"{day_label(item.day):<16}", "bold"), clean_text(item.name, 120))
    if item.already_saved:
        if item.saved_name:
            note = _("(sudah tercatat: {name})").format(name=clean_text(item.saved_name, 80))
        else:
            note = _("(sudah tercatat)")
        line = Content.assemble(line, (" " + note, "dim"))
    return line


class HolidayChoices(SelectionList):
    """The review list: Space ticks or unticks a day, Enter saves the form (instead of ticking)."""

    BINDINGS = [Binding("enter", "save_form", _("Simpan"), show=False)]

    def action_save_form(self) -> None:
        self.screen.action_save()


ESTIMATE = "(perkiraan)"  # the package's mark on a date computed ahead of its announcement


class NationalHolidaysForm(FormDialog):
    """The national holidays and cuti bersama of a year to review: every day not saved yet is
    ticked; days already saved show greyed out and are left as they are. Enter or Ctrl+S adds the
    ticked days through core and answers how many were added; Esc saves nothing."""

    DEFAULT_CSS = """
    NationalHolidaysForm > DialogBox {
        width: 78;
    }
    NationalHolidaysForm #national-about {
        height: auto;
        color: $text-muted;
    }
    NationalHolidaysForm #national-days {
        height: auto;
        max-height: 10;
        margin-top: 1;
    }
    NationalHolidaysForm #national-count {
        height: 1;
        margin-top: 1;
    }
    NationalHolidaysForm FormMessage {
        margin-top: 0;
    }
    """

    AUTO_FOCUS = "#national-days"

    def __init__(self, chosen: NationalList, submit: Callable[[tuple], Any]) -> None:
        super().__init__(_("Libur nasional dan cuti bersama {year}").format(year=chosen.year), submit)
        self.year = chosen.year
        self.days = chosen.days

    @property
    def open_days(self) -> list[ProposedHoliday]:
        return [item for item in self.days if not item.already_saved]

    def fields(self) -> ComposeResult:
        saved = len(self.days) - len(self.open_days)
        about = _("Centang hari yang kantor tutup; Spasi mencentang atau melepas centang.")
        if saved:
            about += " " + _("{n} hari sudah tercatat dan tidak diubah.").format(n=saved)
        if any(ESTIMATE in item.name for item in self.days):
            about += " " + _("Tanggal bertanda (perkiraan) dihitung dari kalender; cocokkan dengan SKB libur "
                             "nasional dan cuti bersama.")
        yield Static(about, id="national-about", markup=False)
        yield HolidayChoices(
            *[Selection(proposal_line(item), item.day.isoformat(), not item.already_saved, disabled=item.already_saved)
              for item in self.days],
            id="national-days", compact=True)
        yield Static("", id="national-count", markup=False)

    def on_mount(self) -> None:
        choices = self.query_one("#national-days", HolidayChoices)
        first = next((index for index, item in enumerate(self.days) if not item.already_saved), None)
        if first is not None:
            choices.highlighted = first
        self._count()

    @on(SelectionList.SelectedChanged, "#national-days")
    def _count(self) -> None:
        ticked = len(self.query_one("#national-days", HolidayChoices).selected)
        if not self.open_days:
            text = _("Semua hari libur nasional {year} sudah tercatat.").format(year=self.year)
        else:
            text = _("{n} dari {total} hari akan disimpan.").format(n=ticked, total=len(self.open_days))
        self.query_one("#national-count", Static).update(text)

    def values(self) -> tuple:
        if not self.open_days:
            raise InvalidInput(_("Semua hari libur nasional {year} sudah tercatat; tekan Esc untuk menutup.").format(
                year=self.year))
        ticked = set(self.query_one("#national-days", HolidayChoices).selected)
        chosen = tuple(item.day for item in self.open_days if item.day.isoformat() in ticked)
        if not chosen:
            raise InvalidInput(_("Tidak ada hari yang dicentang; centang paling sedikit satu hari, atau tekan Esc."))
        return chosen
