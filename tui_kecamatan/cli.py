"""The `tui-kecamatan` command line: starting the app, and the commands a maintainer runs
(init, user, backup, restore, check, demo ...). Errors are one sentence on stderr with an exit
status: 1 refused or invalid, 2 usage, 3 saved but printing failed."""

from __future__ import annotations

import argparse
import dataclasses
import getpass
import json
import os
import sys
from pathlib import Path

from tui_kecamatan.errors import AppError
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


def _open(config, *, create: bool = True, migrate: bool = True):
    from tui_kecamatan.db.connection import open_database

    # The default data folder is ours to create; a folder the user named must already exist.
    return open_database(config.database_path, create=create, create_folder=not config.db_path_explicit, migrate=migrate)


def _cli_actor():
    """Whoever runs the command line owns the database file: they act as an admin, audited by OS name."""
    from tui_kecamatan.core.accounts import Actor, Role

    try:
        who = getpass.getuser()
    except Exception:
        who = "?"
    return Actor(None, f"cli:{who}", _("Baris perintah"), Role.ADMIN)


def _read_password(args) -> str:
    if not getattr(args, "password_stdin", False):
        raise UsageError(_("Kata sandi dibaca dari masukan standar: tambahkan --password-stdin."))
    line = sys.stdin.readline()
    password = line.rstrip("\r\n")
    if not password:
        raise UsageError(_("Tidak ada kata sandi di masukan standar."))
    return password


def _print_json(value) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2, default=str))


# --- commands -----------------------------------------------------------------------------


def cmd_run(args) -> int:
    config = _config(args)
    db = _open(config)
    from tui_kecamatan.app import run_app

    return run_app(config, db) or 0


def cmd_init(args) -> int:
    from tui_kecamatan.core import accounts
    from tui_kecamatan.db import migrations

    config = _config(args)
    if args.admin and not args.password_stdin:
        raise UsageError(_("--admin memerlukan --password-stdin."))
    password = _read_password(args) if args.admin else ""
    import sqlite3

    path = config.database_path
    before = None
    if path.is_file() and path.stat().st_size:
        # A plain read-only look: nothing may be written to a file we might refuse.
        try:
            probe = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                before = probe.execute("PRAGMA user_version").fetchone()[0]
            finally:
                probe.close()
        except sqlite3.Error:
            before = None
    db = _open(config)
    with db.connection_context():
        if args.admin:
            if accounts.count_staff():
                raise AppError(_("Sudah ada akun; tambahkan admin lain dengan: tui-kecamatan user add NAMA --role admin --password-stdin."))
            accounts.create_staff(None, args.admin, password, accounts.Role.ADMIN, args.admin)
    latest = migrations.LATEST
    if before in (None, 0):
        print(_("Basis data dibuat di {path} (skema {v}).").format(path=path, v=latest))
    elif before < latest:
        print(_("Basis data {path} diperbarui dari skema {a} ke {b}.").format(path=path, a=before, b=latest))
    else:
        print(_("Basis data {path} sudah terbaru (skema {v}).").format(path=path, v=latest))
    if args.admin:
        print(_("Akun admin {name} dibuat.").format(name=args.admin.strip().lower()))
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
            print(_("Akun {name} dinonaktifkan.").format(name=args.name))
        elif args.user_command == "unlock":
            accounts.unlock(actor, args.name)
            print(_("Akun {name} dibuka kembali.").format(name=args.name))
        elif args.user_command == "password":
            password = _read_password(args)
            accounts.set_password(actor, args.name, password)
            print(_("Kata sandi akun {name} diganti.").format(name=args.name))
    return EXIT_OK


def cmd_backup(args) -> int:
    from tui_kecamatan.core import backup

    config = _config(args)
    db = _open(config, create=False)
    with db.connection_context():
        report = backup.backup_to(db, Path(args.file))
    print(report)
    return EXIT_OK


def cmd_restore(args) -> int:
    from tui_kecamatan.core import backup

    config = _config(args)
    source = Path(args.file)
    summary = backup.inspect_backup(source)
    if not args.yes:
        if not sys.stdin.isatty():
            raise UsageError(_("Pemulihan mengganti seluruh basis data; ulangi dengan --yes untuk memastikan."))
        print(_("Basis data {db} akan diganti dengan {src} ({summary}).").format(db=config.database_path, src=source, summary=summary))
        answer = input(_("Ketik YA untuk melanjutkan: "))
        if answer.strip().upper() != "YA":
            print(_("Pemulihan dibatalkan; tidak ada yang diubah."))
            return EXIT_REFUSED
    db = _open(config, migrate=False)
    with db.connection_context():
        report = backup.restore_from(db, config.database_path, source, actor=_cli_actor())
    print(report)
    return EXIT_OK


def cmd_check(args) -> int:
    from tui_kecamatan.core import backup

    config = _config(args)
    db = _open(config, create=False, migrate=False)
    with db.connection_context():
        problems, lines = backup.check(db)
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
    db = open_database(db_path)
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
        for name in os.listdir(folder):
            os.unlink(folder / name)
        os.rmdir(folder)


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
            page = request_search.search_requests(status=args.status, offset=0, limit=args.limit)
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


def cmd_print(args) -> int:
    from tui_kecamatan.core import documents, printjobs  # noqa: F401 - documents registers the A4 kinds

    config = _config(args)
    db = _open(config)
    with db.connection_context():
        if args.print_command == "test":
            outcome = printjobs.print_test(config, _cli_actor(), printer=args.printer)
            if not outcome.ok:
                raise outcome.as_error()
            print(outcome.message)
            return EXIT_OK
        outcomes = printjobs.retry_failed(config, _cli_actor())
    if not outcomes:
        print(_("Tidak ada cetakan yang gagal."))
        return EXIT_OK
    for outcome in outcomes:
        print(outcome.message, file=sys.stdout if outcome.ok else sys.stderr)
    failed = [o for o in outcomes if not o.ok]
    return EXIT_PRINT if failed else EXIT_OK


def _cmd_mode(mode: str):
    def run(args) -> int:
        config = _config(args)
        db = _open(config, create=False)
        from tui_kecamatan.app import run_app

        return run_app(config, db, mode=mode) or 0

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
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("user", parents=[common], help=_("kelola akun petugas"))
    users = p.add_subparsers(dest="user_command", parser_class=_Parser, metavar="add|list|disable|unlock|password", required=True)
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
    p.set_defaults(func=cmd_user)

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
    q.add_argument("--status", choices=["received", "incomplete", "complete", "processing", "ready",
                                         "picked_up", "delivered", "cancelled", "rejected"])
    q.add_argument("--limit", type=int, default=200)
    q.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_request)

    p = sub.add_parser("print", parents=[common], help=_("printer: test | retry"))
    prints = p.add_subparsers(dest="print_command", parser_class=_Parser, metavar="test|retry", required=True)
    q = prints.add_parser("test", parents=[common], help=_("cetak struk uji"))
    q.add_argument("--printer", default="receipt", help=_("bagian [printers.NAMA], bawaan receipt"))
    prints.add_parser("retry", parents=[common], help=_("cetak ulang pekerjaan yang gagal"))
    p.set_defaults(func=cmd_print)

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
    p.set_defaults(func=cmd_restore)
    p = sub.add_parser("check", parents=[common], help=_("periksa keutuhan basis data"))
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("demo", parents=[common], help=_("jalankan aplikasi dengan data contoh sekali pakai"))
    p.add_argument("--seed", type=int, default=2026, help=argparse.SUPPRESS)
    p.add_argument("--build-only", action="store_true", help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_demo)

    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args = build_parser().parse_args(argv)
        args.db = getattr(args, "db", None)
        args.config = getattr(args, "config", None)
        return int(args.func(args) or 0)
    except AppError as exc:
        print(str(exc), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(_("Dihentikan."), file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except OSError as exc:
        where = f" ({exc.filename})" if exc.filename else ""
        print(_("Kesalahan sistem berkas{where}: {error}.").format(where=where, error=exc.strerror or exc), file=sys.stderr)
        return EXIT_REFUSED
    except Exception as exc:  # the last line of defence: never a traceback at the desk
        from tui_kecamatan.db.errors import DATABASE_ERRORS, explain

        if isinstance(exc, DATABASE_ERRORS):
            print(explain(exc, getattr(args, "db", None) or _("basis data")), file=sys.stderr)
            return EXIT_REFUSED
        print(_("Terjadi kesalahan tak terduga: {error}.").format(error=exc), file=sys.stderr)
        if os.environ.get("TUI_KECAMATAN_DEBUG"):
            raise
        return EXIT_REFUSED


if __name__ == "__main__":
    raise SystemExit(main())
