"""The `tui-kecamatan` command line: starting the app, and the commands a maintainer runs
(init, user, backup, restore, check, demo ...). Errors are one sentence on stderr with an exit
status: 1 refused or invalid, 2 usage, 3 saved but printing failed."""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import os
import sys
from pathlib import Path

from tui_kecamatan.errors import AppError, Refused
from tui_kecamatan.i18n import _

EXIT_OK, EXIT_REFUSED, EXIT_USAGE, EXIT_PRINT = 0, 1, 2, 3


class UsageError(AppError):
    exit_code = EXIT_USAGE


class _Parser(argparse.ArgumentParser):
    """argparse with one Indonesian sentence and exit status 2 for a usage error."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(_("Perintah tidak dapat dipahami ({detail}); lihat: {prog} --help.").format(
            detail=message, prog=self.prog))


# --- helpers ------------------------------------------------------------------------------


def _config(args):
    from tui_kecamatan.config import load_config
    from tui_kecamatan.core import clock

    config = load_config(args.config, args.db)
    clock.configure(config.timezone)
    return config


def _open(config, *, create: bool = True, migrate: bool = True, adopt_empty: bool = False):
    from tui_kecamatan.db.connection import open_database

    # The default data folder is ours to create; a folder the user named must already exist.
    return open_database(config.database_path, create=create, create_folder=not config.db_path_explicit, migrate=migrate,
                         adopt_empty=adopt_empty)


def _open_asking(config, args, **options):
    """`_open`, asking first before an existing file without tables becomes the office database
    (it may be the wrong path): --yes answers for a script; without a terminal it is refused."""
    from tui_kecamatan.db.connection import EmptyDatabaseFile

    try:
        return _open(config, **options)
    except EmptyDatabaseFile as exc:
        if not getattr(args, "yes", False):
            if not sys.stdin.isatty():
                raise
            answer = input(_("Berkas {path} kosong; jadikan basis data kantor? [y/T] ").format(path=_echo_path(exc.path)))
            if answer.strip().lower() not in ("y", "ya"):
                raise AppError(_("Berkas {path} tidak diubah; pilih basis data lain dengan --db.").format(
                    path=_echo_path(exc.path))) from None
        return _open(config, adopt_empty=True, **options)


@contextlib.contextmanager
def _present(db):
    """This command is on the list of who is working (restore waits for it) while it runs."""
    from tui_kecamatan.core import presence

    with db.connection_context():
        presence.register("cli", station=presence.terminal_name(), actor=_cli_actor().username)
    try:
        yield
    finally:
        _leave(db)


def _leave(db) -> None:
    """Take this process off the list of who is working; a database gone bad by now says so
    elsewhere, and a row left behind counts as gone once this process has ended."""
    import logging

    from tui_kecamatan.core import presence
    from tui_kecamatan.db.errors import DATABASE_ERRORS

    try:
        with db.connection_context():
            presence.leave()
    except (AppError, *DATABASE_ERRORS):
        logging.getLogger(__name__).warning("could not remove this process from presence", exc_info=True)


def _cli_actor():
    """Whoever runs the command line owns the database file: they act as an admin, audited by the
    name of their real user id (never USER or LOGNAME, which anyone may set), or its number."""
    import pwd

    from tui_kecamatan.core.accounts import Actor, Role
    from tui_kecamatan.core.text import clean_text

    uid = os.getuid()
    try:
        who = clean_text(pwd.getpwuid(uid).pw_name, 64) or str(uid)
    except KeyError:  # a uid without a passwd entry (a container, a deleted account)
        who = str(uid)
    return Actor(None, f"cli:{who}", _("Baris perintah"), Role.ADMIN)


def _read_password(args) -> str:
    if not getattr(args, "password_stdin", False):
        raise UsageError(_("Kata sandi dibaca dari masukan standar: tambahkan --password-stdin."))
    line = sys.stdin.readline()
    password = line.rstrip("\r\n")
    if not password:
        raise UsageError(_("Tidak ada kata sandi di masukan standar."))
    return password


def _echo(value, limit: int | None = None) -> str:
    """A person's argument (a name, a role, a code, a path) as it may be repeated on a terminal
    line: escape sequences, bidi controls and newlines shown as visible escapes, long text cut."""
    from tui_kecamatan.core.text import ECHO_MAX, terminal_text

    return terminal_text(value, limit or ECHO_MAX)


def _echo_path(path) -> str:
    return _echo(path, 400)


def _line(message) -> str:
    """A whole message (which may hold paths and names) as one clean terminal line."""
    from tui_kecamatan.core.text import LINE_MAX, terminal_text

    return terminal_text(message, LINE_MAX)


def _print_json(value) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2, default=str))


# --- commands -----------------------------------------------------------------------------


def cmd_run(args) -> int:
    config = _config(args)
    db = _open_asking(config, args)  # no file at all: created without a question
    from tui_kecamatan.app import run_app

    try:
        return run_app(config, db) or 0
    finally:
        _leave(db)


def cmd_init(args) -> int:
    from tui_kecamatan.core import accounts
    from tui_kecamatan.db import migrations

    config = _config(args)
    if args.admin and not args.password_stdin:
        raise UsageError(_("--admin memerlukan --password-stdin."))
    password = _read_password(args) if args.admin else ""
    import sqlite3

    from tui_kecamatan.core.backup import open_file_readonly

    path = config.database_path
    before = None
    if path.is_file() and path.stat().st_size:
        # A plain read-only look: nothing may be written to a file we might refuse.
        try:
            probe = open_file_readonly(path)
            try:
                before = probe.execute("PRAGMA user_version").fetchone()[0]
            finally:
                probe.close()
        except sqlite3.Error:
            before = None
    db = _open_asking(config, args)
    with db.connection_context():
        if args.admin:
            if accounts.count_staff():
                raise AppError(_("Sudah ada akun; tambahkan admin lain dengan: tui-kecamatan user add NAMA --role admin --password-stdin."))
            accounts.create_staff(None, args.admin, password, accounts.Role.ADMIN, args.admin)
    latest = migrations.LATEST
    if before in (None, 0):
        print(_("Basis data dibuat di {path} (skema {v}).").format(path=_echo_path(path), v=latest))
    elif before < latest:
        print(_("Basis data {path} diperbarui dari skema {a} ke {b}.").format(path=_echo_path(path), a=before, b=latest))
    else:
        print(_("Basis data {path} sudah terbaru (skema {v}).").format(path=_echo_path(path), v=latest))
    if args.admin:
        print(_("Akun admin {name} dibuat.").format(name=_echo(args.admin.strip().lower())))
    return EXIT_OK


def cmd_user(args) -> int:
    from tui_kecamatan.core import accounts

    config = _config(args)
    db = _open(config)
    actor = _cli_actor()
    with db.connection_context():
        if args.user_command == "add":
            password = _read_password(args)
            role = accounts.parse_role(args.role)
            if accounts.count_staff() == 0 and role is not accounts.Role.ADMIN:
                raise AppError(_("Akun pertama harus berperan admin."))
            created = accounts.create_staff(actor if accounts.count_staff() else None, args.name, password, role, args.full_name or "")
            print(_("Akun {name} ({role}) dibuat.").format(name=created.username, role=created.role.value))
        elif args.user_command == "list":
            rows = accounts.list_staff()
            if args.json:
                _print_json([
                    {"username": r.username, "full_name": r.full_name, "role": r.role, "active": r.active,
                     "locked": r.locked, "failed_logins": r.failed_logins,
                     "last_login_at": r.last_login_at.isoformat() if r.last_login_at else None}
                    for r in rows
                ])
            else:
                for r in rows:
                    state = _("aktif") if r.active else _("nonaktif")
                    if r.locked:
                        state += ", " + _("dikunci")
                    print(f"{r.username:<20} {r.role:<11} {state:<18} {r.full_name}")
        elif args.user_command == "disable":
            accounts.disable(actor, args.name)
            print(_("Akun {name} dinonaktifkan.").format(name=_echo(args.name)))
        elif args.user_command == "unlock":
            accounts.unlock(actor, args.name)
            print(_("Akun {name} dibuka kembali.").format(name=_echo(args.name)))
        elif args.user_command == "password":
            password = _read_password(args)
            accounts.set_password(actor, args.name, password)
            print(_("Kata sandi akun {name} diganti.").format(name=_echo(args.name)))
        elif args.user_command == "set":
            if args.role is None and args.full_name is None:
                raise UsageError(_("Sebutkan yang diubah: --role atau --full-name."))
            row = accounts.change_staff(actor, args.name, role=args.role, full_name=args.full_name)
            print(_("Akun {name} disimpan: {full}, {role}.").format(name=row.username, full=row.full_name or "-", role=row.role))
    return EXIT_OK


# The `office set` options and the profile fields they fill.
OFFICE_OPTIONS = (("name", "name"), ("kecamatan", "kecamatan"), ("kabupaten", "kabupaten"), ("province", "province"),
                  ("address", "address"), ("phone", "phone"), ("email", "email"), ("hours", "opening_hours"),
                  ("head_name", "head_name"), ("head_nip", "head_nip"))


def cmd_office(args) -> int:
    """`office show [--json]` and `office set --name ... [--hours ...]`: the office profile from a script."""
    from tui_kecamatan.core import office

    config = _config(args)
    db = _open(config)
    with db.connection_context():
        if args.office_command == "set":
            given = {field: getattr(args, option) for option, field in OFFICE_OPTIONS if getattr(args, option) is not None}
            if not given:
                raise UsageError(_("Sebutkan kolom yang diisi, mis. --name, --kecamatan, --kabupaten atau --hours."))
            fields = office.ProfileInput(**{field: given.get(field) for _option, field in OFFICE_OPTIONS})
            profile = office.save_profile(_cli_actor(), fields)
        else:
            profile = office.get_profile()
    if args.json:
        _print_json(profile.as_json())
        return EXIT_OK
    if args.office_command == "set":
        print(_("Profil kantor disimpan: {name}.").format(name=profile.name))
        return EXIT_OK
    lines = [
        (_("Nama kantor"), profile.name), (_("Kecamatan"), profile.kecamatan), (_("Kabupaten/Kota"), profile.kabupaten),
        (_("Provinsi"), profile.province), (_("Alamat"), profile.address), (_("Telepon"), profile.phone),
        (_("Email"), profile.email), (_("Jam layanan"), profile.opening_hours),
        (_("Kepala kantor"), profile.head_name), (_("NIP"), profile.head_nip),
    ]
    for label, value in lines:
        print(f"{label:<15}: {value or '-'}")
    if not profile.configured:
        print(_("Profil kantor belum lengkap: isi dengan tui-kecamatan office set --name ... --kecamatan ... --kabupaten ..."))
    return EXIT_OK


def cmd_backup(args) -> int:
    from tui_kecamatan.core import backup

    from tui_kecamatan.db import health
    from tui_kecamatan.db.errors import DATABASE_ERRORS

    config = _config(args)
    target = Path(args.file)
    db = _open(config, create=False)
    # A damaged database is not copied (the copy would fail its check): the sentence says so.
    with db.connection_context():
        health.refuse_if_damaged(config.database_path)
        damage = health.examine(db, clear=False)
    if damage:
        raise AppError(damage)
    with _present(db), db.connection_context():
        try:
            report = backup.backup_to(db, target)
        except DATABASE_ERRORS as exc:
            raise AppError(health.explain_copy_failure(exc, config.database_path, target)) from None
    health.remember_backup(config.database_path, target)
    print(_line(report))
    return EXIT_OK


def _refuse_while_desks_work(path: Path) -> None:
    """Refuse to replace a damaged database while another app or command still uses it (as far
    as its presence rows can still be read)."""
    from tui_kecamatan.core import presence
    from tui_kecamatan.db.connection import open_database_readonly
    from tui_kecamatan.db.errors import DATABASE_ERRORS

    try:
        db = open_database_readonly(path)
        with db.connection_context():
            others = presence.active()
    except (AppError, *DATABASE_ERRORS):
        raise Refused(_("Basis data {path} rusak sehingga tidak terbaca siapa yang masih memakainya; pastikan "
                        "semua loket sudah menutup aplikasi, lalu ulangi dengan --force.").format(path=_echo_path(path))) from None
    if others:
        raise Refused(presence.busy_sentence(others))


def cmd_restore(args) -> int:
    from tui_kecamatan.core import backup

    config = _config(args)
    source = Path(args.file)
    summary = backup.inspect_backup(source)
    if not args.yes:
        if not sys.stdin.isatty():
            raise UsageError(_("Pemulihan mengganti seluruh basis data; ulangi dengan --yes untuk memastikan."))
        print(_("Basis data {db} akan diganti dengan {src} ({summary}).").format(
            db=_echo_path(config.database_path), src=_echo_path(source), summary=summary))
        answer = input(_("Ketik YA untuk melanjutkan: "))
        if answer.strip().upper() != "YA":
            print(_("Pemulihan dibatalkan; tidak ada yang diubah."))
            return EXIT_REFUSED
    from tui_kecamatan.db import health

    # A damaged database cannot be opened or copied safely: it is moved aside (kept) and the
    # backup is restored as onto a new server; not while desks may still be writing to it.
    damaged = health.is_damaged_now(config.database_path)
    if damaged and not args.force:
        _refuse_while_desks_work(config.database_path)
    aside = health.set_aside(config.database_path) if damaged else None
    if aside is not None:
        print(_line(_("Basis data yang rusak dipindahkan ke {path}.").format(path=aside)))
    if backup.database_absent(config.database_path):
        # A new server: the backup becomes the database at this path.
        report = backup.restore_new(config.database_path, source, actor=_cli_actor(),
                                    create_folder=not config.db_path_explicit)
        print(_line(report))
        return EXIT_OK
    db = _open(config, migrate=False)
    with _present(db), db.connection_context():
        report = backup.restore_from(db, config.database_path, source, actor=_cli_actor(), force=args.force)
    print(_line(report))
    return EXIT_OK


def cmd_check(args) -> int:
    from tui_kecamatan.core import backup

    from tui_kecamatan.db.connection import open_database_readonly

    from tui_kecamatan.db import health
    from tui_kecamatan.db.errors import DATABASE_ERRORS

    config = _config(args)
    db = open_database_readonly(config.database_path)  # an inspection: nothing written, no files left
    with db.connection_context():
        try:
            # Damage found is marked (writers refuse until a restore); a sound file loses its mark.
            damage = health.examine(db)
            if damage:
                raise AppError(damage)
            problems, lines = backup.check(db)
        except DATABASE_ERRORS as exc:
            raise AppError(health.explain_failure(exc, config.database_path)) from None
    for line in lines:
        print(line)
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        return EXIT_REFUSED
    return EXIT_OK


def cmd_demo(args) -> int:
    import tempfile

    from tui_kecamatan.config import load_config
    from tui_kecamatan.core import clock, demo
    from tui_kecamatan.db.connection import open_database

    config = load_config(args.config, None)
    clock.configure(config.timezone)
    folder = Path(tempfile.mkdtemp(prefix="tui-kecamatan-demo-"))
    db_path = folder / "demo.db"
    config.db_path = db_path
    config.db_path_explicit = True
    config.backup.folder = None  # the demo's backups stay in its throw-away folder
    db = open_database(db_path)
    demo.use_office_hours()  # at night the demo's office day starts at 10.30
    with db.connection_context():
        actor = demo.build_demo(seed=args.seed)
    if args.build_only:
        print(_("Basis data demo dibuat di {path}.").format(path=db_path))
        return EXIT_OK
    from tui_kecamatan.app import run_app

    try:
        return run_app(config, db, actor=actor) or 0
    finally:
        db.close()
        import shutil

        shutil.rmtree(folder, ignore_errors=True)  # the database, its side files, its backups


def cmd_ticket(args) -> int:
    from tui_kecamatan.core import documents, printjobs

    config = _config(args)
    db = _open(config)
    # Printing is on when asked, or by default when this machine has a receipt printer.
    wanted = args.print if args.print is not None else "receipt" in config.printers
    with db.connection_context():
        issued = documents.issue_ticket(None, args.code, printing=wanted)
        outcome = printjobs.send_job(issued.job_id, config) if issued.job_id is not None else None
    printed = outcome.ok if outcome is not None else False
    ticket = issued.ticket
    if args.json:
        _print_json(dataclasses.replace(ticket, printed=printed).as_json())
    else:
        print(_("Nomor antrian {code} ({service}); {ahead} orang menunggu di depan.").format(
            code=ticket.code, service=ticket.service_name, ahead=ticket.ahead))
    if outcome is not None and not outcome.ok:
        raise outcome.as_error()
    return EXIT_OK


def cmd_request(args) -> int:
    from tui_kecamatan.core import request_search, requests

    config = _config(args)
    db = _open(config)
    with db.connection_context():
        if args.request_command == "new":
            info = requests.create_request(
                _cli_actor(), service_code=args.service, nik=args.nik, name=args.name, kk_number=args.kk or "",
                phone=args.phone or "", channel=args.channel,
            )
            if args.json:
                _print_json(info.as_json())
            else:
                print(_("Permohonan {reg} ({service}) diterima atas nama {name}.").format(
                    reg=info.reg_no, service=info.service_name, name=info.name))
        elif args.request_command == "show":
            detail = requests.get_request(args.reg_no)
            info = detail.request
            if args.json:
                _print_json(info.as_json())
            else:
                _print_request(detail)
        else:
            page = request_search.search_requests(args.query, status=args.status, offset=0, limit=args.limit)
            if args.json:
                _print_json([row.as_json() for row in page.rows])
            else:
                for row in page.rows:
                    print(f"{row.reg_no}  {row.status_label:<18} {row.service_code:<17} {row.name}")
                if page.total > len(page.rows):
                    print(_("({n} dari {total} ditampilkan; pakai --limit)").format(n=len(page.rows), total=page.total))
    return EXIT_OK


def _print_request(detail) -> None:
    from printing.text import format_date, format_datetime
    from tui_kecamatan.core import clock

    info = detail.request
    lines = [
        (_("No. registrasi"), info.reg_no),
        (_("Layanan"), info.service_name),
        (_("Pemohon"), info.name),
        ("NIK", info.nik_masked),
        (_("No. HP/WA"), info.phone or "-"),
        (_("Status"), info.status_label + (" - " + _("Lewat target") if info.overdue else "")),
        (_("Diterima"), format_datetime(info.created_at, clock.zone_abbreviation())),
        (_("Target selesai"), format_date(info.due_date) if info.due_date else "-"),
    ]
    for label, value in lines:
        print(f"{label:<15}: {value}")
    print(_("Persyaratan:"))
    for item in detail.items:
        mark = "x" if item.checked else " "
        print(f"  [{mark}] {item.text}" + (f" ({_('wajib')})" if item.mandatory else ""))


class _Progress:
    """What a slow command is doing, on stderr once it has worked for more than a second and only
    when stderr is a terminal (never on stdout); `done()` clears the line."""

    def __init__(self, text: str, delay: float = 1.0) -> None:
        import threading

        self._text, self._shown, self._lock = text, False, threading.Lock()
        self._timer = threading.Timer(delay, self._show) if sys.stderr.isatty() else None
        if self._timer is not None:
            self._timer.daemon = True
            self._timer.start()

    def _show(self) -> None:
        with self._lock:
            if self._timer is not None:
                self._shown = True
                print("\r\x1b[K" + self._text, end="", file=sys.stderr, flush=True)

    def step(self, text: str) -> None:
        with self._lock:
            self._text = text
            if self._shown:
                print("\r\x1b[K" + text, end="", file=sys.stderr, flush=True)

    def done(self) -> None:
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            if self._shown:
                print("\r\x1b[K", end="", file=sys.stderr, flush=True)


def cmd_report(args) -> int:
    import re
    from datetime import date

    from tui_kecamatan.core import clock, report_documents, reports

    def day(value, option):
        try:
            return date.fromisoformat(value)
        except (TypeError, ValueError):
            raise UsageError(_("Tanggal {option} tidak valid ({value}); tulis TTTT-BB-HH, mis. 2026-11-30.").format(
                option=option, value=_echo(value, 40))) from None

    def compute():
        with db.connection_context():
            if args.report_command == "daily":
                report = reports.daily(_cli_actor(), day(args.date, "--date") if args.date else None)
            elif args.report_command == "monthly":
                match = re.fullmatch(r"(\d{4})-(\d{2})", args.month or clock.today().strftime("%Y-%m"))
                if match is None or not 1 <= int(match.group(2)) <= 12:
                    raise UsageError(_("Bulan --month tidak valid ({value}); tulis TTTT-BB, mis. 2026-11.").format(
                        value=_echo(args.month, 40)))
                report = reports.monthly(_cli_actor(), int(match.group(1)), int(match.group(2)))
            else:
                if not args.date_from or not args.date_to:
                    raise UsageError(_("Rekap rentang memerlukan --from dan --to."))
                report = reports.range_report(_cli_actor(), day(args.date_from, "--from"), day(args.date_to, "--to"))
        return report

    config = _config(args)
    if args.csv is not None and os.path.lexists(args.csv) and not args.per_table:
        raise Refused(_("Berkas {path} sudah ada dan tidak ditimpa; pilih nama lain.").format(path=_echo_path(args.csv)))
    if args.pdf is not None:
        report_documents.target_path(args.pdf)  # refused before any work: no name, no folder, or already there
    db = _open(config)
    progress = _Progress(_("Menghitung rekap…"))
    try:
        report = compute()
        if args.csv is not None:
            with db.connection_context():
                written = reports.write_csv(_cli_actor(), report, args.csv, per_table=args.per_table)
        saved = None
        if args.pdf is not None:
            progress.step(_("Menyusun PDF rekap…"))
            with db.connection_context():
                saved = report_documents.save_report_pdf(_cli_actor(), report, args.pdf)
    finally:
        progress.done()
    pdf_sentence = _("Rekap disimpan ke {path}.").format(path=_echo_path(saved)) if saved else ""
    if args.json:
        _print_json(report.as_json())
        if pdf_sentence:
            print(pdf_sentence, file=sys.stderr)
    elif args.csv is not None or saved:
        if args.csv is not None:
            print(_("Rekap disimpan ke {path}.").format(path=", ".join(_echo_path(str(p)) for p in written)))
        if pdf_sentence:
            print(pdf_sentence)
    else:
        print("\n".join(reports.text_lines(report)))
    return EXIT_OK


def cmd_print(args) -> int:
    from tui_kecamatan.core import documents, printjobs  # noqa: F401 - documents registers the A4 kinds

    config = _config(args)
    db = _open(config)
    with db.connection_context():
        if args.print_command == "test":
            outcome = printjobs.print_test(config, _cli_actor(), printer=args.printer)
            if not outcome.ok:
                raise outcome.as_error()
            print(_line(outcome.message))
            return EXIT_OK
        if args.print_command == "list":
            rows = printjobs.list_jobs(args.limit, failed=args.failed)
            if args.json:
                _print_json([row.as_json() for row in rows])
                return EXIT_OK
            if not rows:
                print(_("Tidak ada cetakan yang gagal.") if args.failed else _("Belum ada cetakan tercatat."))
            for row in rows:
                print(printjobs.list_line(row))
            return EXIT_OK
        return _print_retry(args, config, printjobs)


def _print_retry(args, config, printjobs) -> int:
    """`print retry`: say what is being sent elsewhere, list what would be printed, ask, print."""
    plan = printjobs.retry_plan()
    for row in plan.sending:
        print(printjobs.sending_sentence(row))
    if not plan.to_print:
        dropped = printjobs.drop_stale(_cli_actor())
        for row, _status in dropped:
            print(_("Tidak dicetak lagi: {line}").format(line=printjobs.job_line(row)))
        if not plan.sending:
            print(_("Tidak ada cetakan yang perlu dicetak ulang.") if dropped else _("Tidak ada cetakan yang gagal."))
        return EXIT_OK
    if plan.to_drop:
        print(_("Tidak akan dicetak lagi (sudah tidak berlaku):"))
        for row, _status in plan.to_drop:
            print("  " + printjobs.job_line(row))
    print(_("Akan dicetak ulang:"))
    for row in plan.to_print:
        print("  " + printjobs.job_line(row))
    if not args.yes:
        if not sys.stdin.isatty():
            raise UsageError(_("Masukan bukan terminal, jadi tidak dapat bertanya: ulangi dengan --yes untuk mencetak ulang."))
        answer = input(_("Cetak ulang {n} dokumen? [y/T] ").format(n=len(plan.to_print)))
        if answer.strip().lower() not in ("y", "ya"):
            print(_("Tidak ada yang dicetak."))
            return EXIT_OK
    outcomes = printjobs.retry_failed(config, _cli_actor(), only=[row.id for row in plan.to_print])
    for outcome in outcomes:
        print(_line(outcome.message), file=sys.stdout if outcome.ok else sys.stderr)
    return EXIT_PRINT if any(not o.ok for o in outcomes) else EXIT_OK


def cmd_purge(args) -> int:
    """`purge --older-than MONTHS [--yes] [--json]`: anonymise the applicants of requests closed
    more than MONTHS months ago, after saying how many and asking."""
    from tui_kecamatan.core import backup, privacy

    config = _config(args)
    db = _open(config)
    with db.connection_context():
        plan = privacy.preview(_cli_actor(), args.older_than)
        if not plan.requests:
            due = privacy.backups_due(backup.folder_for(config.database_path, config.backup), plan.months)
            if args.json:
                _print_json({**plan.as_json(), "purged": False, "backups_due": [str(f.path) for f in due]})
            else:
                print(_("Tidak ada permohonan yang ditutup sebelum {day}; tidak ada yang dihapus.").format(
                    day=plan.cutoff.isoformat()))
                _say_backups_due(due)
            return EXIT_OK
        if not args.json:
            print(_("Data pemohon {n} permohonan ({c} warga) yang ditutup antara {a} dan {b} akan dianonimkan; "
                    "layanan, tanggal dan status tetap untuk rekap.").format(
                n=plan.requests, c=plan.citizens, a=plan.oldest, b=plan.newest))
        if not args.yes:
            if not sys.stdin.isatty():
                raise UsageError(_("Masukan bukan terminal, jadi tidak dapat bertanya: ulangi dengan --yes untuk menghapus."))
            answer = input(_("Hapus data pribadi {n} permohonan? [y/T] ").format(n=plan.requests))
            if answer.strip().lower() not in ("y", "ya"):
                print(_("Tidak ada yang dihapus."))
                return EXIT_OK
        shown = sys.stderr.isatty()

        def progress(done: int, total: int) -> None:
            if shown:
                print("\r" + _("Menganonimkan {done}/{total} permohonan…").format(done=done, total=total),
                      end="", file=sys.stderr, flush=True)

        result = privacy.purge(_cli_actor(), args.older_than, progress=progress)
        if shown:
            print(file=sys.stderr)
    due = privacy.backups_due(backup.folder_for(config.database_path, config.backup), result.preview.months)
    if args.json:
        _print_json({**result.as_json(), "purged": True, "backups_due": [str(f.path) for f in due]})
        return EXIT_OK
    print(_("Data pribadi {n} permohonan dan {c} warga dianonimkan.").format(n=result.requests, c=result.citizens))
    _say_backups_due(due)
    return EXIT_OK


def _say_backups_due(due) -> None:
    """The backups older than the retention period, which the admin should delete."""
    if due:
        print(_("Cadangan lebih tua dari masa simpan (masih memuat data yang sudah dihapus; hapus berkasnya):"))
        for file in due:
            print("  " + _echo_path(file.path))


def cmd_export_citizen(args) -> int:
    """`export-citizen NIK [--pdf FILE] [--json]`: everything held about one person."""
    from tui_kecamatan.core import citizen_export

    config = _config(args)
    if args.pdf is not None and os.path.lexists(args.pdf):
        raise Refused(_("Berkas {path} sudah ada dan tidak ditimpa; pilih nama lain.").format(path=_echo_path(args.pdf)))
    db = _open(config)
    with db.connection_context():
        data = citizen_export.export_citizen(_cli_actor(), args.nik)
        if args.pdf is not None:
            written = citizen_export.save_pdf(data, args.pdf)
    if args.json:
        _print_json(data)
    elif args.pdf is not None:
        print(_("Data warga disimpan ke {path}.").format(path=_echo_path(written)))
    else:
        for when, part, text in citizen_export.export_rows(data):
            print(_echo(f"{when.replace('T', ' '):<17} {part:<22} {text}", 400))
    return EXIT_OK


def _cmd_mode(mode: str):
    def run(args) -> int:
        config = _config(args)
        db = _open(config, create=False)
        from tui_kecamatan.app import run_app

        try:
            return run_app(config, db, mode=mode) or 0
        finally:
            _leave(db)

    return run


# --- parser -------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    common.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS,
                        help=_("berkas basis data (bawaan: $TUI_KECAMATAN_DB, konfigurasi, folder data)"))
    common.add_argument("--config", metavar="PATH", default=argparse.SUPPRESS,
                        help=_("berkas konfigurasi TOML (bawaan: $TUI_KECAMATAN_CONFIG)"))

    parser = _Parser(prog="tui-kecamatan", parents=[common],
                     description=_("Aplikasi loket kantor kecamatan: antrian, permohonan, pengambilan, cetak."))
    from tui_kecamatan import __version__

    parser.add_argument("--version", action="version", version=f"tui-kecamatan {__version__}")
    parser.set_defaults(func=cmd_run)
    sub = parser.add_subparsers(dest="command", parser_class=_Parser, metavar="PERINTAH")

    p = sub.add_parser("init", parents=[common], help=_("buat atau perbarui basis data"))
    p.add_argument("--admin", metavar="NAMA", help=_("buat akun admin pertama"))
    p.add_argument("--password-stdin", action="store_true", help=_("baca kata sandi dari masukan standar"))
    p.add_argument("--yes", action="store_true", help=_("pakai berkas kosong yang sudah ada tanpa bertanya"))
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("user", parents=[common], help=_("kelola akun petugas"))
    users = p.add_subparsers(dest="user_command", parser_class=_Parser, metavar="add|list|set|disable|unlock|password", required=True)
    q = users.add_parser("add", parents=[common], help=_("tambah akun"))
    q.add_argument("name")
    q.add_argument("--role", required=True, help="operator | supervisor | admin | display")
    q.add_argument("--full-name", default="")
    q.add_argument("--password-stdin", action="store_true")
    q = users.add_parser("list", parents=[common], help=_("daftar akun"))
    q.add_argument("--json", action="store_true")
    q = users.add_parser("disable", parents=[common], help=_("nonaktifkan akun"))
    q.add_argument("name")
    q = users.add_parser("unlock", parents=[common], help=_("buka akun yang terkunci"))
    q.add_argument("name")
    q = users.add_parser("password", parents=[common], help=_("ganti kata sandi akun"))
    q.add_argument("name")
    q.add_argument("--password-stdin", action="store_true")
    q = users.add_parser("set", parents=[common], help=_("ubah peran atau nama lengkap akun"))
    q.add_argument("name")
    q.add_argument("--role", help="operator | supervisor | admin | display")
    q.add_argument("--full-name")
    p.set_defaults(func=cmd_user)

    p = sub.add_parser("office", parents=[common], help=_("profil kantor: show | set"))
    offices = p.add_subparsers(dest="office_command", parser_class=_Parser, metavar="show|set", required=True)
    q = offices.add_parser("show", parents=[common], help=_("tampilkan profil kantor"))
    q.add_argument("--json", action="store_true")
    q = offices.add_parser("set", parents=[common], help=_("isi atau ubah profil kantor (kolom lain tetap)"))
    q.add_argument("--name", metavar="TEKS", help=_("nama kantor, mis. \"Kantor Kecamatan Pasar Kemis\""))
    q.add_argument("--kecamatan", metavar="TEKS")
    q.add_argument("--kabupaten", metavar="TEKS", help=_("kabupaten/kota"))
    q.add_argument("--province", metavar="TEKS", help=_("provinsi"))
    q.add_argument("--address", metavar="TEKS", help=_("alamat"))
    q.add_argument("--phone", metavar="NOMOR", help=_("telepon kantor"))
    q.add_argument("--email", metavar="ALAMAT")
    q.add_argument("--hours", metavar="TEKS", help=_("jam layanan, mis. \"Senin-Jumat 08.00-15.00 WIB\""))
    q.add_argument("--head-name", metavar="TEKS", help=_("nama kepala kantor (camat) yang menandatangani rekap"))
    q.add_argument("--head-nip", metavar="NIP", help=_("NIP kepala kantor, 18 angka"))
    q.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_office)

    p = sub.add_parser("ticket", parents=[common], help=_("ambil nomor antrian untuk layanan KODE"))
    p.add_argument("code", metavar="KODE")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--print", dest="print", action="store_true", default=None, help=_("cetak tiket"))
    group.add_argument("--no-print", dest="print", action="store_false", help=_("jangan cetak"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_ticket)

    p = sub.add_parser("request", parents=[common], help=_("permohonan: new | show | list"))
    reqs = p.add_subparsers(dest="request_command", parser_class=_Parser, metavar="new|show|list", required=True)
    q = reqs.add_parser("new", parents=[common], help=_("catat permohonan baru"))
    q.add_argument("--service", required=True, metavar="KODE")
    q.add_argument("--nik", required=True)
    q.add_argument("--name", required=True)
    q.add_argument("--kk", default="")
    q.add_argument("--phone", default="")
    q.add_argument("--channel", default="walk_in", choices=["walk_in", "whatsapp"])
    q.add_argument("--json", action="store_true")
    q = reqs.add_parser("show", parents=[common], help=_("tampilkan satu permohonan"))
    q.add_argument("reg_no", metavar="REG")
    q.add_argument("--json", action="store_true")
    q = reqs.add_parser("list", parents=[common], help=_("daftar permohonan"))
    q.add_argument("--query", default="", metavar="TEKS",
                   help=_("sebagian nama, NIK, nomor HP atau nomor registrasi (juga nomor urutnya saja: 0045)"))
    q.add_argument("--status", choices=["received", "incomplete", "complete", "processing", "ready",
                                         "picked_up", "delivered", "cancelled", "rejected"])
    q.add_argument("--limit", type=int, default=200)
    q.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_request)

    p = sub.add_parser("print", parents=[common], help=_("printer: test | retry | list"))
    prints = p.add_subparsers(dest="print_command", parser_class=_Parser, metavar="test|retry|list", required=True)
    q = prints.add_parser("test", parents=[common], help=_("cetak struk uji"))
    q.add_argument("--printer", default="receipt", help=_("bagian [printers.NAMA], bawaan receipt"))
    q = prints.add_parser("retry", parents=[common], help=_("cetak ulang pekerjaan yang gagal"))
    q.add_argument("--yes", action="store_true", help=_("tanpa pertanyaan konfirmasi"))
    q = prints.add_parser("list", parents=[common], help=_("daftar cetakan, terbaru dulu"))
    q.add_argument("--failed", action="store_true", help=_("hanya yang belum tercetak"))
    q.add_argument("--limit", type=int, default=50, help=_("paling banyak sekian baris (bawaan 50)"))
    q.add_argument("--json", action="store_true", help=_("keluaran JSON"))
    p.set_defaults(func=cmd_print)

    p = sub.add_parser("report", parents=[common], help=_("rekap antrian dan permohonan: daily | monthly | range"))
    kinds = p.add_subparsers(dest="report_command", parser_class=_Parser, metavar="daily|monthly|range", required=True)
    for name, text in (("daily", _("rekap harian")), ("monthly", _("rekap bulanan")), ("range", _("rekap rentang tanggal"))):
        q = kinds.add_parser(name, parents=[common], help=text)
        if name == "daily":
            q.add_argument("--date", metavar="TTTT-BB-HH", help=_("tanggal (bawaan: hari ini)"))
        elif name == "monthly":
            q.add_argument("--month", metavar="TTTT-BB", help=_("bulan (bawaan: bulan ini)"))
        else:
            q.add_argument("--from", dest="date_from", metavar="TTTT-BB-HH", help=_("tanggal awal"))
            q.add_argument("--to", dest="date_to", metavar="TTTT-BB-HH", help=_("tanggal akhir"))
        q.add_argument("--json", action="store_true", help=_("keluaran JSON"))
        q.add_argument("--csv", metavar="BERKAS", help=_("simpan semua tabel ke satu berkas CSV (kolom bagian)"))
        q.add_argument("--per-table", action="store_true",
                       help=_("dengan --csv: satu berkas per tabel, BERKAS-<bagian>.csv"))
        q.add_argument("--pdf", metavar="BERKAS", help=_("simpan rekap sebagai PDF A4 (tidak menimpa berkas)"))
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("display", parents=[common], help=_("layar ruang tunggu"))
    p.set_defaults(func=_cmd_mode("display"))
    p = sub.add_parser("kiosk", parents=[common], help=_("anjungan ambil nomor antrian"))
    p.set_defaults(func=_cmd_mode("kiosk"))

    p = sub.add_parser("backup", parents=[common], help=_("salin basis data ke berkas cadangan"))
    p.add_argument("file")
    p.set_defaults(func=cmd_backup)
    p = sub.add_parser("restore", parents=[common], help=_("pulihkan basis data dari berkas cadangan"))
    p.add_argument("file")
    p.add_argument("--yes", action="store_true", help=_("tanpa pertanyaan konfirmasi"))
    p.add_argument("--force", action="store_true", help=_("pulihkan walaupun aplikasi masih dipakai di loket lain"))
    p.set_defaults(func=cmd_restore)
    p = sub.add_parser("purge", parents=[common], help=_("anonimkan data pemohon yang melewati masa simpan"))
    p.add_argument("--older-than", metavar="BULAN", required=True,
                   help=_("permohonan yang ditutup lebih dari BULAN bulan lalu"))
    p.add_argument("--yes", action="store_true", help=_("tanpa pertanyaan konfirmasi"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_purge)
    p = sub.add_parser("export-citizen", parents=[common], help=_("semua data yang disimpan tentang satu NIK"))
    p.add_argument("nik")
    p.add_argument("--pdf", metavar="BERKAS", help=_("simpan sebagai dokumen A4 PDF"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_export_citizen)
    p = sub.add_parser("check", parents=[common], help=_("periksa keutuhan basis data"))
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("demo", parents=[common], help=_("jalankan aplikasi dengan data contoh sekali pakai "
                                                        "(di luar jam layanan, jam demo mulai pukul 10.30)"))
    p.add_argument("--seed", type=int, default=2026, help=argparse.SUPPRESS)
    p.add_argument("--build-only", action="store_true", help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_demo)

    return parser


def _say_error(message: object) -> None:
    """The last line of defence for what reaches the terminal: whatever a message holds (an
    argument, a path, an exception's text), it is written as one clean line."""
    print(_line(message), file=sys.stderr)


def _command_name(args) -> str:
    """'user disable', 'print retry' ...: which command failed, for the log (never its values)."""
    if args is None:
        return "?"
    parts = [getattr(args, "command", None) or "run"]
    parts += [str(value) for key, value in sorted(vars(args).items()) if key.endswith("_command") and value]
    return " ".join(parts)


def main(argv: list[str] | None = None) -> int:
    import logging

    from tui_kecamatan import logs

    argv = list(sys.argv[1:] if argv is None else argv)
    logs.setup_logging()  # the log is in the data folder; nothing is logged to the terminal
    log = logging.getLogger(__name__)
    args = None
    try:
        args = build_parser().parse_args(argv)
        args.db = getattr(args, "db", None)
        args.config = getattr(args, "config", None)
        return int(args.func(args) or 0)
    except AppError as exc:
        _say_error(exc)
        return exc.exit_code
    except KeyboardInterrupt:
        _say_error(_("Dihentikan."))
        return 130
    except BrokenPipeError:
        # The reader went away (`| head`): nothing more to say, also not when Python exits.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except OSError as exc:
        log.warning("command %s failed on a file", _command_name(args), exc_info=True)
        where = f" ({exc.filename})" if exc.filename else ""
        _say_error(_("Kesalahan sistem berkas{where}: {error}.").format(where=where, error=exc.strerror or exc))
        return EXIT_REFUSED
    except Exception as exc:  # the last line of defence: never a traceback at the desk
        from tui_kecamatan.db.errors import DATABASE_ERRORS, explain

        if isinstance(exc, DATABASE_ERRORS):
            log.warning("command %s failed on the database", _command_name(args), exc_info=True)
            _say_error(explain(exc, getattr(args, "db", None) or _("basis data")))
            return EXIT_REFUSED
        logs.log_unexpected(exc, f"command {_command_name(args)}")
        _say_error(logs.unexpected_sentence(exc))
        return EXIT_REFUSED


if __name__ == "__main__":
    raise SystemExit(main())
