"""The supervisor's correction of an applicant's name, phone or KK number, with a reason."""

from __future__ import annotations

from typing import Any, Callable

from textual.app import ComposeResult
from textual.widgets import Input, Static

from tui_kecamatan.core.requests import RequestDetail
from tui_kecamatan.core.text import NAME_MAX, REASON_MAX
from tui_kecamatan.core.validation import format_phone
from tui_kecamatan.i18n import _
from tui_kecamatan.screens.admin.dialogs import FormDialog
from tui_kecamatan.widgets.form import FormRow


class CorrectionForm(FormDialog):
    """Name and phone prefilled with what is saved; the KK number (shown masked elsewhere) is
    typed whole only when it is corrected. Only what differs is sent to core."""

    AUTO_FOCUS = "#correct-name"

    def __init__(self, detail: RequestDetail, submit: Callable[[dict], Any]) -> None:
        super().__init__(_("Koreksi data pemohon {reg_no}").format(reg_no=detail.request.reg_no), submit)
        self.detail = detail

    def fields(self) -> ComposeResult:
        info = self.detail.request
        yield FormRow(_("Nama"), Input(info.name, id="correct-name", max_length=NAME_MAX))
        yield FormRow(_("No. HP/WA"), Input(format_phone(info.phone) if info.phone else "", id="correct-phone",
                                            max_length=40))
        yield FormRow(_("Nomor KK"), Input("", id="correct-kk", max_length=40,
                                           placeholder=_("kosongkan bila tidak diubah ({kk})").format(
                                               kk=self.detail.kk_masked or "-")))
        yield FormRow(_("Alasan *"), Input("", id="correct-reason", max_length=REASON_MAX))
        yield Static(_("Koreksi tercatat di riwayat permohonan dan jejak audit beserta alasannya."),
                     classes="form-note", markup=False)

    def values(self) -> dict:
        info = self.detail.request
        name = self.query_one("#correct-name", Input).value
        phone = self.query_one("#correct-phone", Input).value
        kk = self.query_one("#correct-kk", Input).value
        shown_phone = format_phone(info.phone) if info.phone else ""
        return {
            "reason": self.query_one("#correct-reason", Input).value,
            "name": name if name.strip() != info.name else None,
            "phone": phone if phone.strip() != shown_phone else None,
            "kk_number": kk if kk.strip() else None,
        }

