"""What a new database starts with: the six services and their requirement lists, one counter,
an empty office profile for the setup screen, and the default message templates."""

from __future__ import annotations

from peewee import SqliteDatabase

from tui_kecamatan.db.models import Counter, OfficeProfile, Service, ServiceRequirement, Setting

# Requirement lists follow Peraturan Presiden 96/2018 (Persyaratan dan Tata Cara Pendaftaran
# Penduduk dan Pencatatan Sipil) and Permendagri 108/2019 (its implementing regulation, which
# also fixes the F-1.xx forms). Offices add their own local items in the admin screen.
# (code, name, prefix, target working days, needs KK number, [(text, mandatory, kind)])
SERVICES = [
    (
        "KTP", "Cetak KTP-el", "A", 3, True,
        # Perpres 96/2018 Ps. 16: KTP-el lost or damaged -> KK, plus the police report or the
        # damaged card; a change of data also needs the proof of the change.
        [
            ("Fotokopi KK", True, "berkas"),
            ("KTP-el yang rusak, atau surat keterangan hilang dari kepolisian", True, "berkas"),
            ("Dokumen bukti perubahan data (bila ada perubahan)", False, "berkas"),
        ],
    ),
    (
        "KK", "Cetak KK", "B", 3, True,
        # Perpres 96/2018 Ps. 12-13: a KK lost or damaged needs the police report or the
        # damaged KK, plus the KTP-el; a change of data needs form F-1.02 and its evidence.
        [
            ("KK lama (asli) atau KK yang rusak", True, "berkas"),
            ("Surat keterangan hilang dari kepolisian (bila KK hilang)", False, "berkas"),
            ("KTP-el pemohon", True, "berkas"),
            ("Formulir F-1.02 (bila ada perubahan data)", False, "berkas"),
        ],
    ),
    (
        "PINDAH_KELUAR", "Surat keterangan pindah keluar", "C", 1, True,
        # Perpres 96/2018 Ps. 15 and Permendagri 108/2019: moving out needs form F-1.03 and the KK.
        [
            ("Formulir F-1.03 (surat pindah) yang sudah diisi", True, "berkas"),
            ("KK asli", True, "berkas"),
            ("KTP-el pemohon", True, "berkas"),
        ],
    ),
    (
        "PINDAH_DATANG", "Surat keterangan pindah datang", "D", 1, False,
        # Perpres 96/2018 Ps. 15: moving in needs the SKPWNI from the place of origin and the KTP-el.
        [
            ("Surat Keterangan Pindah WNI (SKPWNI) dari daerah asal", True, "berkas"),
            ("KTP-el pemohon", True, "berkas"),
            ("KK tujuan (bila menumpang dalam KK)", False, "berkas"),
        ],
    ),
    (
        "REKAM", "Perekaman KTP-el", "E", 14, True,
        # Perpres 96/2018 Ps. 15: a first KTP-el needs the KK (applicant aged 17 or married).
        # The protocol items are the office's health protocol for recording during the pandemic.
        [
            ("Fotokopi KK", True, "berkas"),
            ("Buku nikah / akta perkawinan (bila belum 17 tahun dan sudah kawin)", False, "berkas"),
            ("Suhu tubuh petugas diperiksa (di bawah 37,5 °C)", True, "protokol"),
            ("Suhu tubuh pemohon diperiksa (di bawah 37,5 °C)", True, "protokol"),
            ("Alat perekaman sudah didisinfeksi", True, "protokol"),
            ("Petugas memakai masker dan sarung tangan; pemohon memakai masker", True, "protokol"),
            ("Pemohon mencuci tangan atau memakai hand sanitizer", True, "protokol"),
        ],
    ),
    (
        "PINDAH_ANTAR_KEC", "Surat keterangan pindah antar kecamatan", "F", 1, True,
        # Permendagri 108/2019: a move between kecamatan of one kabupaten uses form F-1.03 and the KK.
        [
            ("Formulir F-1.03 (surat pindah) yang sudah diisi", True, "berkas"),
            ("KK asli", True, "berkas"),
            ("KTP-el pemohon", True, "berkas"),
        ],
    ),
]

REKAM_SUSPENDED_REASON = "Perekaman KTP-el ditunda kecuali mendesak (protokol kesehatan)."

TEMPLATES = {
    "template.missing": (
        "Yth. {nama},\n"
        "Permohonan {layanan} Anda dengan No. registrasi {reg_no} di {kantor} belum lengkap.\n"
        "Mohon lengkapi berkas berikut:\n{daftar}\n"
        "Berkas dapat dibawa ke loket atau dikirim lewat WhatsApp ini. Terima kasih."
    ),
    "template.ready": (
        "Yth. {nama},\n"
        "Dokumen {layanan} Anda (No. registrasi {reg_no}) sudah selesai dan dapat diambil di "
        "{kantor}, {jam}. Bawa tanda terima; bila diwakilkan, bawa surat kuasa. Terima kasih."
    ),
    "template.sent": (
        "Yth. {nama},\n"
        "Dokumen {layanan} Anda (No. registrasi {reg_no}) kami kirim dalam bentuk PDF. "
        "Silakan cetak di kertas A4 80 gram. Terima kasih - {kantor}."
    ),
    "template.notice": (
        "Data pribadi Anda (NIK, nama, nomor KK, nomor HP) dicatat {kantor} hanya untuk melayani "
        "permohonan ini dan disimpan {masa_simpan} bulan setelah permohonan selesai, lalu dihapus "
        "(UU 27/2022 tentang Pelindungan Data Pribadi). Anda berhak meminta salinan data Anda di kantor ini."
    ),
}

SETTINGS = {
    "queue.no_show_calls": "3",
    **TEMPLATES,
}


def seed(db: SqliteDatabase) -> None:
    """Fill a new database; runs inside the first migration's transaction."""
    OfficeProfile.create(configured=False)
    for position, (code, name, prefix, target, needs_kk, requirements) in enumerate(SERVICES):
        rekam = code == "REKAM"
        service = Service.create(
            code=code,
            name=name,
            prefix=prefix,
            target_days=target,
            needs_kk=needs_kk,
            suspended=rekam,
            suspended_reason=REKAM_SUSPENDED_REASON if rekam else "",
            urgent_only=rekam,
            position=position,
        )
        for index, (text, mandatory, kind) in enumerate(requirements):
            ServiceRequirement.create(service=service, text=text, mandatory=mandatory, position=index, kind=kind)
    Counter.create(number=1, name="Loket 1")
    for key, value in SETTINGS.items():
        Setting.create(key=key, value=value)
