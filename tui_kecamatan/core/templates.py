"""The texts of the messages sent to citizens (requirements missing, document ready, document
sent) and of the personal-data notice printed on request receipts, kept by the admin as Settings
rows "template.<kind>", with the placeholders each may use. core.messages fills the messages in,
core.privacy the notice."""

from __future__ import annotations

import string

from tui_kecamatan.core import audit
from tui_kecamatan.core.accounts import Actor, Role, require
from tui_kecamatan.core.text import clean_text
from tui_kecamatan.db.models import Setting, database
from tui_kecamatan.errors import InvalidInput
from tui_kecamatan.i18n import _

TEMPLATE_MAX = 2000
NOTICE_MAX = 800  # printed whole at the foot of the A4 and slip receipts
TEMPLATE_KINDS = ("missing", "ready", "sent", "notice")
PLACEHOLDERS = {
    "nama": "nama pemohon",
    "layanan": "nama layanan",
    "reg_no": "nomor registrasi",
    "daftar": "daftar berkas yang kurang, bernomor",
    "kantor": "nama kantor",
    "jam": "jam layanan kantor",
    "masa_simpan": "masa simpan data pribadi, dalam bulan",
}
# The placeholders each kind may use (a message names the applicant; the notice is the same on
# every receipt).
KIND_PLACEHOLDERS = {
    "missing": ("nama", "layanan", "reg_no", "daftar", "kantor", "jam"),
    "ready": ("nama", "layanan", "reg_no", "daftar", "kantor", "jam"),
    "sent": ("nama", "layanan", "reg_no", "daftar", "kantor", "jam"),
    "notice": ("kantor", "jam", "masa_simpan"),
}
# A missing-requirements message that does not list the items tells the citizen nothing.
REQUIRED_PLACEHOLDERS = {"missing": ("daftar",)}


def _template_key(kind: str) -> str:
    if kind not in TEMPLATE_KINDS:
        raise InvalidInput(_("Jenis templat harus missing, ready, sent atau notice."))
    return f"template.{kind}"


def check_template(kind: str, text: object) -> str:
    """Clean a template and make sure it only uses the known placeholders, written plainly."""
    _template_key(kind)
    text = clean_text(text, TEMPLATE_MAX, multiline=True)
    if not text:
        raise InvalidInput(_("Templat pesan tidak boleh kosong."))
    allowed = KIND_PLACEHOLDERS[kind]
    known = ", ".join("{" + name + "}" for name in allowed)
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError:
        raise InvalidInput(_("Kurung kurawal dalam templat tidak berpasangan; tulis {{ atau }} untuk kurung biasa.")) from None
    used = set()
    for _literal, field, spec, conversion in parsed:
        if field is None:
            continue
        # Only bare names: "{nama!r}", "{nama:>20}" or "{nama.upper}" are refused, and so is "{}".
        if field not in allowed or spec or conversion:
            shown = "{" + field + (("!" + conversion) if conversion else "") + ((":" + spec) if spec else "") + "}"
            raise InvalidInput(_("Isian {field} tidak dikenal; yang boleh dipakai: {known}.").format(field=shown, known=known))
        used.add(field)
    if kind == "notice" and len(text) > NOTICE_MAX:
        raise InvalidInput(_("Pemberitahuan data pribadi paling panjang {n} karakter, agar muat di tanda terima.").format(
            n=NOTICE_MAX))
    for needed in REQUIRED_PLACEHOLDERS.get(kind, ()):
        if needed not in used:
            raise InvalidInput(_("Templat ini harus memuat {{{name}}} ({what}).").format(name=needed, what=PLACEHOLDERS[needed]))
    return text


def get_template(kind: str) -> str:
    """The office's template for `kind` (missing | ready | sent | notice), or the built-in one."""
    key = _template_key(kind)
    row = Setting.get_or_none(Setting.key == key)
    if row is not None and row.value:
        return row.value
    from tui_kecamatan.db.seed import TEMPLATES

    return TEMPLATES[key]


def set_template(actor: Actor, kind: str, text: str) -> str:
    require(actor, Role.ADMIN)
    key = _template_key(kind)
    text = check_template(kind, text)
    with database.atomic():
        Setting.insert(key=key, value=text).on_conflict(conflict_target=[Setting.key], update={Setting.value: text}).execute()
        audit.record(actor, "templat_diubah", "setting", None, key)
    return text


def reset_template(actor: Actor, kind: str) -> str:
    """Go back to the built-in text."""
    from tui_kecamatan.db.seed import TEMPLATES

    return set_template(actor, kind, TEMPLATES[_template_key(kind)])
