"""The words of a request's life: its states (`RequestStatus`), what can be done to it
(`RequestAction`), the groups of states the rules speak of, and the Indonesian labels the screens,
the timeline and the printouts show for states, channels, contacts and audit actions.

Plain vocabulary: no database, no rules. The allowed moves are the table `REQUESTS` in
core.requests.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum

from tui_kecamatan.i18n import _

CHANNELS = ("walk_in", "whatsapp")


class RequestStatus(str, Enum):
    RECEIVED = "received"
    INCOMPLETE = "incomplete"
    COMPLETE = "complete"
    PROCESSING = "processing"
    READY = "ready"
    PICKED_UP = "picked_up"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"
    REJECTED = "rejected"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.value]


class TranslatedLabels(Mapping):
    """Indonesian source words, translated on every lookup so a language switch takes effect."""

    def __init__(self, source: dict[str, str]) -> None:
        self._source = source

    def __getitem__(self, key: str) -> str:
        return _(self._source[getattr(key, "value", key)])

    def __iter__(self):
        return iter(self._source)

    def __len__(self) -> int:
        return len(self._source)


STATUS_LABELS: Mapping[str, str] = TranslatedLabels({
    "received": "Diterima",
    "incomplete": "Berkas kurang",
    "complete": "Berkas lengkap",
    "processing": "Diproses",
    "ready": "Siap diambil",
    "picked_up": "Sudah diambil",
    "delivered": "Dikirim elektronik",
    "cancelled": "Dibatalkan",
    "rejected": "Ditolak",
})

CHANNEL_LABELS: Mapping[str, str] = TranslatedLabels({"walk_in": "Loket", "whatsapp": "WhatsApp"})

CONTACT_LABELS: Mapping[str, str] = TranslatedLabels({
    "missing": "Pemohon dihubungi: berkas kurang",
    "ready": "Pemohon dihubungi: dokumen siap diambil",
    "sent": "Dokumen dikirim ke pemohon",
})

# Audit actions written on the "request" table, as the timeline names them.
ACTION_LABELS: Mapping[str, str] = TranslatedLabels({
    "permohonan_dibuat": "Permohonan diterima",
    "daftar_periksa_disimpan": "Daftar periksa berkas disimpan",
    "mulai_diproses": "Mulai diproses",
    "dokumen_siap": "Dokumen siap diambil",
    "dokumen_diambil": "Dokumen diambil",
    "dokumen_dikirim": "Dokumen dikirim elektronik",
    "permohonan_dibatalkan": "Permohonan dibatalkan",
    "permohonan_ditolak": "Permohonan ditolak",
    "permohonan_dibuka_kembali": "Permohonan dibuka kembali",
    "nik_ditampilkan": "NIK lengkap ditampilkan",
    "data_pemohon_dikoreksi": "Data pemohon dikoreksi",
})

S = RequestStatus
BEFORE_READY = frozenset({S.RECEIVED, S.INCOMPLETE, S.COMPLETE, S.PROCESSING})
CHECKLIST_STATES = frozenset({S.RECEIVED, S.INCOMPLETE, S.COMPLETE})


class RequestAction(str, Enum):
    """What can be done to a request; `requests.allowed_actions` says which apply now."""

    CHECKLIST = "checklist"
    PROCESS = "process"
    READY = "ready"
    PICKUP = "pickup"
    DELIVER = "deliver"
    CANCEL = "cancel"
    REJECT = "reject"
    REOPEN = "reopen"
    CONTACT_MISSING = "contact_missing"
    CONTACT_READY = "contact_ready"
    REVEAL_NIK = "reveal_nik"


def describe_move(before: RequestStatus | str, after: RequestStatus | str) -> str:
    """"Diproses -> Siap diambil", for audit details the timeline shows."""
    return f"{STATUS_LABELS[before]} -> {STATUS_LABELS[after]}"
