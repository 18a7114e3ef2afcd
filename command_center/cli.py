"""The `command-center` command: the window by default, headless subcommands otherwise."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence

from command_center import config


def _common(suppress: bool) -> argparse.ArgumentParser:
    """Options every command takes, before or after its name (``run --database-url URL``)."""
    common = argparse.ArgumentParser(add_help=False)
    default = argparse.SUPPRESS if suppress else None
    common.add_argument(
        "--database-url",
        metavar="URL",
        default=default,
        help=f"shared PostgreSQL server (default: ${config.ENV_DATABASE_URL}, "
        "else the embedded database)",
    )
    common.add_argument(
        "--analytics-database-url",
        metavar="URL",
        default=default,
        help=f"a read replica for the analysis's reads: panels, warnings, the bulletin "
        f"(default: ${config.ENV_ANALYTICS_DATABASE_URL}, else the main database)",
    )
    common.add_argument(
        "-v", "--verbose", action="store_true", default=default or False, help="log more"
    )
    return common


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="command-center",
        description="网格化综治指挥中心 / grid-governance command center",
        parents=[_common(suppress=False)],
    )
    sub = p.add_subparsers(dest="command")

    common = _common(suppress=True)
    sub = _SubParsers(sub, common)
    run = sub.add_parser("run", help="open the main window (the default)")
    run.add_argument("--lang", choices=["zh_CN", "en"], help="interface language")
    run.add_argument("--user", help="sign in as this user without the dialog (demo password)")
    run.add_argument("--wall", action="store_true", help="start in wall mode")

    db = sub.add_parser("db", help="database schema")
    dbsub = _SubParsers(db.add_subparsers(dest="db_command", required=True), common)
    dbsub.add_parser("upgrade", help="migrate the schema to the newest revision")
    dbsub.add_parser("current", help="print the schema revision")

    demo = sub.add_parser("demo", help="the demo county")
    demosub = _SubParsers(demo.add_subparsers(dest="demo_command", required=True), common)
    seed = demosub.add_parser("seed", help="fill the database with the demo county")
    seed.add_argument("--scale", type=float, default=1.0, help="1 = a year, ~60,000 incidents")
    seed.add_argument("--seed", type=int, default=20261122, help="random seed")
    seed.add_argument(
        "--replace", action="store_true", help="drop everything in the database first"
    )
    seed.add_argument(
        "--if-empty", action="store_true", help="do nothing if the county is already there"
    )
    seed.add_argument("--quiet", action="store_true", help="no progress bar")

    st = sub.add_parser("status", help="what the database holds")
    st.add_argument("--json", action="store_true", help="one JSON object")

    imp = sub.add_parser("import", help="import incidents from another system")
    impsub = _SubParsers(imp.add_subparsers(dest="import_command", required=True), common)
    o311 = impsub.add_parser(
        "open311", help="12345-hotline requests as Open311 GeoReport v2 (JSON or XML)"
    )
    o311.add_argument("path", metavar="PATH", help="the request list (requests.json / .xml)")
    o311.add_argument(
        "--source",
        default="open311",
        metavar="NAME",
        help="the feed's name; with the request id it recognises a second import "
        "(default: open311)",
    )

    tab = impsub.add_parser(
        "table", help="12345-hotline requests as CSV (UTF-8, UTF-8-BOM, GB18030) or XLSX"
    )
    tab.add_argument("path", metavar="PATH", help="the exported table (.csv / .xlsx)")
    tab.add_argument(
        "--mapping",
        metavar="NAME",
        help="a column mapping saved in the program (default: suggested from the headers)",
    )
    tab.add_argument("--source", default="12345", metavar="NAME", help="the feed's name")
    ifield = impsub.add_parser(
        "field",
        help="grid workers' field records (check-ins, patrols, reports) as JSON Lines, each "
        "with its worker's code; all or nothing",
    )
    ifield.add_argument("path", metavar="FILE", help="one JSON record per line (.jsonl)")

    ibound = impsub.add_parser(
        "boundaries",
        help="area boundaries as GeoJSON (FeatureCollection, Feature, geometry or an array of "
        "Features; Polygon or MultiPolygon); a draft for the county's review unless --approve",
    )
    ibound.add_argument("path", metavar="PATH", help="the GeoJSON file")
    ibound.add_argument(
        "--level",
        required=True,
        choices=("county", "town", "village", "grid", "micro"),
        help="what the file's areas are",
    )
    ibound.add_argument(
        "--crs",
        choices=("gcj02", "wgs84"),
        help="the file's coordinate system (default: the one it declares; asked if none)",
    )
    ibound.add_argument(
        "--parent",
        metavar="NAME",
        help="the area the file's areas belong under (a name, a path 洪水镇/益民村, or a code); "
        "default: each feature's parent/上级, or the county for towns",
    )
    ibound.add_argument(
        "--dry-run", action="store_true", help="read and check only; nothing is stored"
    )
    ibound.add_argument(
        "--approve",
        action="store_true",
        help="approve the draft at once (the county's administrator on the server)",
    )

    serve = sub.add_parser(
        "serve",
        help="the HTTP service: Open311 GeoReport v2 at /open311/v2/ (services.json, …), "
        "/health, /ready",
    )
    servesub = _SubParsers(serve.add_subparsers(dest="serve_command", required=False), common)
    s311 = servesub.add_parser("open311", help="the same (the name it had before)")
    for parser in (serve, s311):
        _serve_options(parser)

    key = sub.add_parser("apikey", help="keys for POSTing requests to the Open311 endpoint")
    keysub = _SubParsers(key.add_subparsers(dest="apikey_command", required=True), common)
    kcreate = keysub.add_parser("create", help="create a key and print it (shown only once)")
    kcreate.add_argument("name", metavar="NAME", help="who uses it, e.g. a field app")
    kcreate.add_argument(
        "--channel",
        metavar="CODE",
        help="the channel its incidents arrive on (default: hotline_12345)",
    )
    kcreate.add_argument(
        "--scope",
        action="append",
        default=[],
        choices=["internal"],
        help="internal: its GET requests see full records (without it, what the public sees)",
    )
    krevoke = keysub.add_parser("revoke", help="revoke a key")
    krevoke.add_argument("name", metavar="NAME")
    keysub.add_parser("list", help="list the keys (never the keys themselves)")

    ftok = sub.add_parser("fieldtoken", help="grid workers' tokens for the field endpoints")
    ftoksub = _SubParsers(ftok.add_subparsers(dest="fieldtoken_command", required=True), common)
    fissue = ftoksub.add_parser("issue", help="issue a token to a worker (shown only once)")
    fissue.add_argument("worker", metavar="CODE", help="the worker's code")
    fissue.add_argument("--days", type=int, default=180, help="valid for so many days (180)")
    fissue.add_argument("--label", metavar="TEXT", help="e.g. the phone")
    frevoke = ftoksub.add_parser("revoke", help="revoke a token by its number")
    frevoke.add_argument("token_id", metavar="ID", type=int)
    ftoksub.add_parser("list", help="list the tokens (never the tokens themselves)")

    user = sub.add_parser(
        "user", help="accounts: create, disable, reset (an administrator's database login)"
    )
    usersub = _SubParsers(user.add_subparsers(dest="user_command", required=True), common)
    uadd = usersub.add_parser("add", help="create an account and its database login")
    uadd.add_argument("username", metavar="NAME", help="login name: a-z, 0-9, _ (2–32)")
    uadd.add_argument("--display-name", required=True, metavar="TEXT", help="the person's name")
    uadd.add_argument(
        "--role",
        required=True,
        choices=["duty_operator", "supervisor", "dept_handler", "analyst", "admin"],
    )
    uadd.add_argument("--department", metavar="CODE", help="a department handler's department")
    for name, text in (
        ("disable", "disable an account (its login can no longer connect)"),
        ("enable", "enable a disabled account"),
        ("reset", "set a new password, to be changed at the next sign-in"),
    ):
        usersub.add_parser(name, help=text).add_argument("username", metavar="NAME")
    usersub.add_parser("list", help="the accounts, with their logins and lockouts")

    bk = sub.add_parser("backup", help="the whole database into one file")
    bk.add_argument(
        "path",
        metavar="FILE",
        nargs="?",
        help="where (default: command-center-YYYYMMDD-HHMM.ccbackup here)",
    )
    rs = sub.add_parser(
        "restore", help="replace the database by a backup (the current one is kept beside it)"
    )
    rs.add_argument("path", metavar="FILE")

    aud = sub.add_parser("audit", help="the audit log")
    audsub = _SubParsers(aud.add_subparsers(dest="audit_command", required=True), common)
    audsub.add_parser(
        "verify", help="check the hash chain; name the first entry that was changed or removed"
    )

    poll = sub.add_parser("poll", help="fetch incidents from another system")
    pollsub = _SubParsers(poll.add_subparsers(dest="poll_command", required=True), common)
    p311 = pollsub.add_parser(
        "open311", help="fetch new requests from an Open311 GeoReport v2 endpoint and import them"
    )
    p311.add_argument(
        "url", metavar="URL", nargs="?", help="the endpoint (default: setting open311.poll.url)"
    )
    p311.add_argument("--once", action="store_true", help="poll once and exit")
    p311.add_argument(
        "--source", metavar="NAME", help="the feed's name (default: from the setting)"
    )
    p311.add_argument(
        "--interval", type=float, metavar="S", help="seconds between polls (default: setting)"
    )
    p311.add_argument("--timeout", type=float, default=30.0, metavar="S", help="HTTP timeout")

    bul = sub.add_parser(
        "bulletin", help="the monthly bulletin (平安动态) of a month as PDF (and its tables)"
    )
    bul.add_argument("--month", required=True, metavar="YYYY-MM", help="the month")
    bul.add_argument("--out", required=True, metavar="FILE.pdf", help="the PDF to write")
    bul.add_argument("--xlsx", metavar="FILE.xlsx", help="also the tables to this workbook")

    sup = sub.add_parser("supervise", help="supervision (督办): the sweep, for a server")
    supsub = _SubParsers(sup.add_subparsers(dest="supervise_command", required=True), common)
    srun = supsub.add_parser(
        "run",
        help="run the supervision sweep every minute (one sweep at a time across all machines)",
    )
    srun.add_argument("--once", action="store_true", help="sweep once and exit")
    srun.add_argument(
        "--interval", type=float, default=60.0, metavar="S", help="seconds between sweeps"
    )

    cls = sub.add_parser(
        "classify", help="the text classifier of smart dispatch (智能派单): files and models"
    )
    clssub = _SubParsers(cls.add_subparsers(dest="classify_command", required=True), common)
    for name, text in (
        ("train", "train on a labelled CSV/XLSX file and save the model to a file"),
        ("evaluate", "cross-validate on a labelled CSV/XLSX file"),
    ):
        c = clssub.add_parser(name, help=text)
        c.add_argument("--csv", required=True, metavar="PATH", help="CSV or XLSX file")
        c.add_argument(
            "--text-column",
            action="append",
            required=True,
            metavar="NAME",
            help="a column of text (repeat it to join several: subject + body)",
        )
        c.add_argument("--label-column", required=True, metavar="NAME")
        c.add_argument(
            "--id-column",
            metavar="NAME",
            help="the rows' id (default: a column named 工单编号/编号/id, if any): duplicates "
            "are kept once, ids with conflicting labels left out",
        )
        c.add_argument(
            "--no-prior",
            action="store_true",
            help="labels named as a known class of government hotlines (交通运输, 环境保护 …) "
            "learn only from their examples and names, not from what the class is about",
        )
        if name == "train":
            c.add_argument("--out", default="classifier.model", metavar="MODEL")
        else:
            c.add_argument("--folds", type=int, default=5)
    learn = clssub.add_parser(
        "learn",
        help="learn from the center's closed incidents and keep the model as a new version "
        "(for a schedule: --if-older-than)",
    )
    learn.add_argument("--user", required=True, help="the administrator it runs as")
    learn.add_argument(
        "--if-older-than",
        type=float,
        metavar="DAYS",
        help="only when the active model is older than this (a nightly job's guard)",
    )
    learn.add_argument("--no-activate", action="store_true", help="keep it, do not use it yet")
    learn.add_argument(
        "--no-prune",
        action="store_true",
        help="do not prune old versions afterwards (by default learn prunes as `prune` does)",
    )
    prune = clssub.add_parser(
        "prune",
        help="delete old stored models: all but the active one, the newest N others "
        "(dispatch.keep_model_versions) and those younger than D days (dispatch.keep_model_days)",
    )
    prune.add_argument("--user", required=True, help="the administrator it runs as")
    prune.add_argument("--keep", type=int, metavar="N", help="other versions to keep")
    prune.add_argument("--days", type=float, metavar="D", help="keep versions younger than this")
    prune.add_argument("--dry-run", action="store_true", help="only say what would be deleted")
    clssub.add_parser("versions", help="the stored models and their figures")
    clssub.add_parser("rates", help="how often operators took the learned suggestion, per category")
    act = clssub.add_parser("activate", help="use this stored version (roll back or forward)")
    act.add_argument("version", type=int)
    act.add_argument("--user", required=True, help="the administrator it runs as")
    return p


class _SubParsers:
    """Adds the common options to every subcommand."""

    def __init__(self, sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
        self._sub = sub
        self._common = common

    def add_parser(self, name: str, **kwargs: object) -> argparse.ArgumentParser:
        return self._sub.add_parser(name, parents=[self._common], **kwargs)  # type: ignore[arg-type]


RUN_OPTIONS = ("--lang", "--user", "--wall")


COMMANDS = (
    "run",
    "db",
    "demo",
    "status",
    "import",
    "serve",
    "apikey",
    "fieldtoken",
    "poll",
    "user",
    "audit",
    "backup",
    "restore",
    "supervise",
    "bulletin",
    "classify",
)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if any(a.split("=")[0] in RUN_OPTIONS for a in argv) and not any(a in COMMANDS for a in argv):
        argv.insert(0, "run")  # `command-center --lang en` means `command-center run --lang en`
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    url = config.database_url_from(args.database_url)
    command = args.command or "run"
    try:
        if command == "run":
            # Start (or reach) the database while Qt and the views are being imported: on a
            # two-core workstation that hides most of the embedded server's start-up.
            from concurrent.futures import ThreadPoolExecutor

            opener = ThreadPoolExecutor(1, thread_name_prefix="cc-open-database")
            pending = opener.submit(_open_database, url)
            opener.shutdown(wait=False)
            from command_center.app import run

            return run(
                url,
                analytics_url=config.analytics_url_from(
                    getattr(args, "analytics_database_url", None)
                ),
                lang=getattr(args, "lang", None),
                user=getattr(args, "user", None),
                wall=getattr(args, "wall", False),
                pending=pending,
            )
        if command == "db":
            return _db(url, args)
        if command == "demo":
            return _demo(url, args)
        if command == "status":
            return _status(url, args)
        if command == "import":
            return _import(url, args)
        if command == "serve":
            return _serve(url, args)
        if command == "apikey":
            return _apikey(url, args)
        if command == "fieldtoken":
            return _fieldtoken(url, args)
        if command == "poll":
            return _poll_open311(url, args)
        if command == "user":
            return _user(url, args)
        if command == "audit":
            return _audit(url, args)
        if command in ("backup", "restore"):
            return _backup(url, args, command)
        if command == "supervise":
            return _supervise(url, args)
        if command == "bulletin":
            return _bulletin(url, args)
        if command == "classify":
            return _classify(url, args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a clear message, not a traceback, for the person at the keyboard
        if args.verbose:
            raise
        print(f"错误 / error: {exc}", file=sys.stderr)
        return 1
    return 2


def _open_database(url: str | None):  # type: ignore[no-untyped-def]
    from command_center.db.connection import open_database

    return open_database(url, as_gatekeeper=True)


def _db(url: str | None, args: argparse.Namespace) -> int:
    from command_center.db import migrate
    from command_center.db.connection import database

    with database(url, upgrade_schema=args.db_command == "upgrade") as db:
        print(f"schema revision: {migrate.current_revision(db.engine)}")
    return 0


def _demo(url: str | None, args: argparse.Namespace) -> int:
    from command_center.db import migrate
    from command_center.db.connection import database
    from command_center.demo.seed import county_present, ensure_demo_accounts, seed_demo

    with database(url, upgrade_schema=True) as db:
        if args.if_empty and county_present(db.engine):
            if ensure_demo_accounts(db.engine):
                print("demo accounts given the demo password again (schema 0005)")
            print("demo county already present; nothing to do")
            return 0
        if args.replace:
            migrate.downgrade(db.url, "base")
            migrate.upgrade(db.url)
        report = seed_demo(db.engine, scale=args.scale, seed=args.seed, progress=not args.quiet)
        print(json.dumps(report, ensure_ascii=False))
    return 0


def _ask_password(prompt: str) -> str:
    """A password typed twice at the terminal (or one line on standard input when piped)."""
    import getpass
    import os

    env = os.environ.get("COMMAND_CENTER_NEW_PASSWORD")
    if env:
        return env
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass(prompt)
    if getpass.getpass("再输入一次 / again: ") != first:
        raise ValueError("两次输入的密码不一致 / the two passwords differ")
    return first


def _user(url: str | None, args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from command_center.db.connection import database
    from command_center.models import Department
    from command_center.services import auth
    from command_center.services.audit import Actor

    actor = Actor(None, "命令行 / command line")
    with database(url) as db, db.sessions() as session:
        if args.user_command == "list":
            locks = auth.lockout_state(session)
            for u in auth.list_users(session, include_disabled=True):
                failed, until = locks.get(u.id, (0, None))
                state = "" if u.id in locks else "  (no password)"
                if until is not None:
                    state = f"  locked until {until:%Y-%m-%d %H:%M}"
                elif failed:
                    state = f"  {failed} failed"
                active = session.scalar(select(auth.AppUser.active).where(auth.AppUser.id == u.id))
                print(
                    f"{u.username:<20} cc_u_{u.username:<20} {u.role_code:<14} "
                    f"{u.department_name or '-':<12} {u.display_name}"
                    f"{'' if active else '  DISABLED'}{state}"
                )
            return 0
        if args.user_command == "add":
            dept_id = None
            if args.department:
                dept_id = session.scalar(
                    select(Department.id).where(Department.code == args.department)
                )
                if dept_id is None:
                    raise ValueError(
                        f"没有部门 {args.department} / no department {args.department}"
                    )
            password = _ask_password(f"{args.username} 的初始密码 / initial password: ")
            info = auth.add_user(
                session,
                actor,
                args.username,
                args.display_name,
                args.role,
                password,
                department_id=dept_id,
                must_change=True,
            )
            print(f"created {info.username} (login cc_u_{info.username}, {info.role_code})")
            return 0
        if args.user_command in ("disable", "enable"):
            info = auth.set_active(session, actor, args.username, args.user_command == "enable")
            print(f"{args.user_command}d {info.username}")
            return 0
        if args.user_command == "reset":
            password = _ask_password(f"{args.username} 的新密码 / new password: ")
            auth.reset_password(session, actor, args.username, password)
            print(f"password reset for {args.username}; to be changed at the next sign-in")
            return 0
    return 2


def _backup(url: str | None, args: argparse.Namespace, command: str) -> int:
    from pathlib import Path

    from command_center.db import backup
    from command_center.db.connection import database

    with database(url) as db:
        bin_dir = db.embedded.bin_dir() if db.embedded is not None else None
        db.engine.dispose()
        if command == "backup":
            target = Path(args.path or backup.default_name())
            size = backup.backup(db.url, target, bin_dir=bin_dir)
            print(f"备份完成 / backed up: {target} ({size / 1e6:.1f} MB)")
            return 0
        kept = backup.restore(db.url, Path(args.path), bin_dir=bin_dir)
    print(f"恢复完成 / restored from {args.path}")
    if kept:
        print(f"原数据库保留为 {kept} / the previous database is kept as {kept}")
    return 0


def _audit(url: str | None, args: argparse.Namespace) -> int:
    from command_center.db.connection import database
    from command_center.services.audit import verify_chain

    with database(url) as db, db.sessions() as session:
        result = verify_chain(session)
    print(result.describe())
    return 0 if result.intact else 3


def _bulletin(url: str | None, args: argparse.Namespace) -> int:
    from pathlib import Path

    from command_center.db.connection import database
    from command_center.services import bulletin

    analytics = config.analytics_url_from(getattr(args, "analytics_database_url", None))
    with database(url) as db:
        db.with_analytics(analytics)  # the reads go to the replica, as its URL's login
        with (db.analytics_sessions or db.sessions)() as session:
            data = bulletin.compute(session, args.month)
    Path(args.out).write_bytes(bulletin.render_pdf(data))
    print(f"已生成 / written: {args.out}")
    if args.xlsx:
        bulletin.write_xlsx(data, args.xlsx)
        print(f"已生成 / written: {args.xlsx}")
    return 0


def _status(url: str | None, args: argparse.Namespace) -> int:
    from command_center.db.connection import database
    from command_center.services.status import county_status

    with database(url) as db:
        report = county_status(db.engine, embedded=db.is_embedded).as_dict()
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        width = max(len(k) for k in report)
        for key, value in report.items():
            print(f"{key:<{width}}  {value}")
    return 0


def _import(url: str | None, args: argparse.Namespace) -> int:
    from pathlib import Path

    if args.import_command == "table":
        return _import_table(url, args)
    if args.import_command == "field":
        return _import_field(url, args)
    if args.import_command == "boundaries":
        return _import_boundaries(url, args)

    from command_center.db.connection import database
    from command_center.interop.open311 import parse_requests
    from command_center.services.audit import Actor
    from command_center.services.imports import import_open311

    data = Path(args.path).read_bytes()
    parse_requests(data)  # a file that is not GeoReport v2 is refused before the database opens
    with database(url) as db, db.sessions() as session:
        report = import_open311(session, data, actor=Actor(None, "命令行导入"), source=args.source)
    auto = f" auto_dispatched={report.auto_dispatched}" if report.auto_dispatched else ""
    print(f"imported={report.imported} skipped={len(report.skipped)}{auto}")
    for request_id, reason in report.skipped:
        print(f"  {request_id}: {reason}")
    return 0


def _import_table(url: str | None, args: argparse.Namespace) -> int:
    from command_center.db.connection import database
    from command_center.interop.tabular import read_table, suggest_mapping
    from command_center.services.audit import Actor
    from command_center.services.imports import import_table, list_mappings

    table = read_table(args.path)  # a file that cannot be read is refused before the database
    with database(url) as db, db.sessions() as session:
        if args.mapping:
            mappings = list_mappings(session)
            if args.mapping not in mappings:
                raise ValueError(
                    f"没有名为「{args.mapping}」的列对应关系 / no column mapping named "
                    f"{args.mapping!r} (saved: {', '.join(mappings) or '-'})"
                )
            mapping = mappings[args.mapping]
        else:
            mapping = suggest_mapping(table.headers)
        report = import_table(
            session, Actor(None, "命令行导入"), args.path, mapping, source=args.source
        )
    auto = f" auto_dispatched={report.auto_dispatched}" if report.auto_dispatched else ""
    print(f"imported={report.imported} skipped={len(report.skipped)}{auto}")
    for row, reason in report.skipped:
        print(f"  row {row}: {reason}")
    return 0


def _import_boundaries(url: str | None, args: argparse.Namespace) -> int:
    """Exit 2, with nothing stored, for a file that is not GeoJSON, whose geometries are all
    unusable, or whose parent does not exist; 0 otherwise (findings are printed)."""
    from pathlib import Path

    from command_center.db.connection import database
    from command_center.services import boundary_review
    from command_center.services.audit import Actor
    from command_center.services.boundaries import NotGeoJSON

    path = Path(args.path)
    data = path.read_bytes()
    actor = Actor(None, "命令行导入")
    with database(url) as db, db.sessions() as session:
        try:
            plan = boundary_review.plan(
                session,
                data,
                level=args.level,
                crs=args.crs,
                parent=args.parent,
                file_name=path.name,
            )
        except (NotGeoJSON, boundary_review.BoundaryError) as exc:
            print(f"错误 / error: {exc}", file=sys.stderr)
            return 2
        session.rollback()
        for line in plan.report():
            print(line)
        if not plan.planned:
            print(
                "错误 / error: 没有可导入的区域，未作任何改动 / no usable area, nothing changed",
                file=sys.stderr,
            )
            return 2
        if args.dry_run:
            print("试运行，未作任何改动 / dry run, nothing changed", file=sys.stderr)
            return 0
        import_id = boundary_review.submit(session, actor, plan)
        if args.approve:
            done = boundary_review.approve(session, actor, import_id)
            print(
                f"草稿 #{import_id} 已批准生效：更新{done.changed}个，新增{done.added}个 / "
                f"draft #{import_id} approved: {done.changed} changed, {done.added} new",
                file=sys.stderr,
            )
        else:
            print(
                f"草稿 #{import_id} 已提交，待县综治中心审核 / draft #{import_id} submitted for "
                "the county center's review",
                file=sys.stderr,
            )
    return 0


def _until_signalled() -> tuple[object, object]:
    """An Event set by SIGINT or SIGTERM, and a function restoring the previous handlers."""
    import signal
    import threading

    stop = threading.Event()
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    for sig in previous:
        signal.signal(sig, lambda *_: stop.set())

    def restore() -> None:
        for sig, handler in previous.items():
            signal.signal(sig, handler)

    return stop, restore


def _serve_options(p: argparse.ArgumentParser) -> None:
    from command_center.api.limits import ServerLimits

    d = ServerLimits()
    sup = argparse.SUPPRESS  # given to `serve` or to `serve open311`, either wins
    p.add_argument("--host", default=sup, help="address to listen on (default: 127.0.0.1)")
    p.add_argument("--port", type=int, default=sup, help="port (default: 8311)")
    p.add_argument(
        "--forwarded-allow-ips",
        default=sup,
        metavar="IPS",
        help="proxies whose X-Forwarded-For is believed (default: 127.0.0.1)",
    )
    p.add_argument(
        "--db-pool", type=int, default=sup, help=f"database connections (default: {d.db_pool})"
    )
    p.add_argument(
        "--max-connections",
        type=int,
        default=sup,
        help=f"sockets served at once (default: {d.max_connections})",
    )
    p.add_argument(
        "--rate-per-key",
        type=float,
        default=sup,
        metavar="N",
        help=f"requests a second per API key after a burst of {d.per_key_burst} "
        f"(default: {d.per_key_rate:g})",
    )
    p.add_argument(
        "--rate-per-address",
        type=float,
        default=sup,
        metavar="N",
        help=f"requests a second per client address after a burst of {d.per_address_burst} "
        f"(default: {d.per_address_rate:g})",
    )
    p.add_argument(
        "--public-decimals",
        type=int,
        default=sup,
        choices=range(0, 7),
        metavar="N",
        help=f"decimals of the coordinates the public sees (default: {d.public_decimals}, "
        "about 100 m)",
    )


def _serve(url: str | None, args: argparse.Namespace) -> int:
    import dataclasses

    from command_center.api.limits import ServerLimits
    from command_center.api.server import HttpServer
    from command_center.db.connection import database
    from command_center.db.engine import make_engine

    limits = ServerLimits()
    given = {
        "db_pool": "db_pool",
        "max_connections": "max_connections",
        "rate_per_key": "per_key_rate",
        "rate_per_address": "per_address_rate",
        "public_decimals": "public_decimals",
    }
    limits = dataclasses.replace(
        limits, **{field: getattr(args, opt) for opt, field in given.items() if hasattr(args, opt)}
    )
    access = logging.getLogger("command_center.access")  # JSON lines, on stdout alone
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(message)s"))
    access.addHandler(handler)
    access.setLevel(logging.INFO)
    access.propagate = False
    with database(url) as db:
        engine = make_engine(
            db.url,
            application_name="command-center-http",
            pool_size=limits.db_pool,
            max_overflow=0,
            pool_timeout=limits.db_pool_timeout,
        )
        try:
            server = HttpServer(
                engine,
                getattr(args, "host", "127.0.0.1"),
                getattr(args, "port", 8311),
                limits,
                forwarded_allow_ips=getattr(args, "forwarded_allow_ips", "127.0.0.1"),
            )
            stop, restore = _until_signalled()
            try:
                server.start()  # on a thread: the signals stay ours, uvicorn re-raises them
                print(f"Open311 GeoReport v2: {server.url}/services.json", flush=True)
                while not stop.wait(0.5):  # type: ignore[attr-defined]
                    pass
                print("stopping / 正在停止", flush=True)
            finally:
                server.stop()
                restore()  # type: ignore[operator]
        finally:
            engine.dispose()
    return 0


def _apikey(url: str | None, args: argparse.Namespace) -> int:
    from command_center.db.connection import database
    from command_center.services import open311_api
    from command_center.services.audit import Actor

    actor = Actor(None, "命令行")
    with database(url) as db, db.sessions() as session:
        if args.apikey_command == "create":
            key = open311_api.create_api_key(session, actor, args.name, args.channel, args.scope)
            print(key)
            print(
                "请妥善保存，此密钥不会再次显示 / keep it safe: this key is not shown again",
                file=sys.stderr,
            )
        elif args.apikey_command == "revoke":
            open311_api.revoke_api_key(session, actor, args.name)
            print(f"revoked {args.name}")
        else:
            for info in open311_api.list_api_keys(session):
                used = info.last_used_at.isoformat(timespec="seconds") if info.last_used_at else "-"
                print(
                    f"{info.name}\tchannel={info.channel_code or '-'}\t"
                    f"{'active' if info.active else 'revoked'}\t"
                    f"created={info.created_at.isoformat(timespec='seconds')}\tlast_used={used}\t"
                    f"scopes={','.join(info.scopes) or '-'}"
                )
    return 0


def _fieldtoken(url: str | None, args: argparse.Namespace) -> int:
    from command_center.db.connection import database
    from command_center.services import field
    from command_center.services.audit import Actor

    actor = Actor(None, "命令行")
    with database(url) as db, db.sessions() as session:
        if args.fieldtoken_command == "issue":
            token, row = field.issue_token(
                session, actor, args.worker, days=args.days, label=args.label
            )
            print(token)
            print(
                f"令牌 #{row.id}，有效至 {row.expires_at.isoformat(timespec='minutes')}；"
                "请妥善保存，不会再次显示 / token #{row.id}: keep it safe, it is not shown again",
                file=sys.stderr,
            )
        elif args.fieldtoken_command == "revoke":
            field.revoke_token(session, actor, args.token_id)
            print(f"revoked #{args.token_id}")
        else:
            for tok, code, name in field.list_tokens(session):
                state = "revoked" if tok.revoked_at else "active"
                used = tok.last_used_at.isoformat(timespec="seconds") if tok.last_used_at else "-"
                print(
                    f"#{tok.id}\t{code}\t{name}\t{state}\t"
                    f"expires={tok.expires_at.isoformat(timespec='minutes')}\tlast_used={used}"
                )
    return 0


def _import_field(url: str | None, args: argparse.Namespace) -> int:
    from pathlib import Path

    from command_center.db.connection import database
    from command_center.services import field
    from command_center.services.audit import Actor

    try:
        lines = Path(args.path).read_text(encoding="utf-8-sig").splitlines()
    except UnicodeDecodeError:
        raise ValueError("文件不是 UTF-8 编码 / the file is not UTF-8") from None
    with database(url) as db, db.sessions() as session:
        try:
            result = field.import_lines(session, Actor(None, "命令行导入"), lines)
        except field.FieldError as exc:
            raise ValueError(f"{exc.message}（未导入任何记录 / nothing imported）") from None
    print(f"imported={result.stored} duplicates={result.duplicates}")
    return 0


def _poll_open311(url: str | None, args: argparse.Namespace) -> int:
    from command_center.db.connection import database
    from command_center.services import open311_poll, settings

    with database(url) as db:
        with db.sessions() as session:
            poll = dict(settings.get(session, "open311.poll") or {})
        if args.url:
            poll["url"] = args.url
        elif not poll.get("enabled"):
            print(
                "错误 / error: Open311 轮询未启用；请给出地址或在设置 open311.poll 中启用 / "
                "Open311 polling is off: give a URL or enable the setting open311.poll",
                file=sys.stderr,
            )
            return 1
        if args.source:
            poll["source"] = args.source
        interval = args.interval or float(poll.get("interval_s") or 300)
        stop, restore = _until_signalled()
        since = None
        try:
            while True:
                result = open311_poll.poll_once(
                    db.sessions, poll, since=since, timeout=args.timeout
                )
                print(result.summary(), flush=True)
                for request_id, reason in result.skipped:
                    if args.verbose or "已导入" not in reason:
                        print(f"  {request_id}: {reason}")
                if result.ok:
                    since = result.watermark
                if args.once:
                    return 0 if result.ok else 1
                if stop.wait(interval):  # type: ignore[attr-defined]
                    return 0
        finally:
            restore()  # type: ignore[operator]


def _supervise(url: str | None, args: argparse.Namespace) -> int:
    """The sweep, headless: every ``--interval`` seconds until SIGINT/SIGTERM, or once. Each
    sweep prints one line; a sweep that finds another machine sweeping says so and waits."""
    from command_center.db.connection import database
    from command_center.services import supervision
    from command_center.services.audit import Actor

    actor = Actor(None, "督办巡检")
    with database(url) as db:
        stop, restore = _until_signalled()
        try:
            while True:
                with db.sessions() as session:
                    result = supervision.sweep(session, actor)
                print(result.describe(), flush=True)
                if args.once:
                    return 0
                if stop.wait(args.interval):  # type: ignore[attr-defined]
                    return 0
        finally:
            restore()  # type: ignore[operator]


if __name__ == "__main__":
    sys.exit(main())


def _classify(url: str | None, args: argparse.Namespace) -> int:
    """Exit status 2 for a file that cannot be read or data that cannot be learned from."""
    from command_center.interop.tabular import TabularFormatError
    from command_center.services.classifier import ClassifierError

    if args.classify_command in ("train", "evaluate"):
        try:
            return _classify_file(args)
        except (TabularFormatError, ClassifierError) as exc:
            print(f"错误 / error: {exc}", file=sys.stderr)
            return 2
    from command_center.db.connection import database
    from command_center.services import learned_routing
    from command_center.services.audit import Actor

    with database(url) as db, db.sessions() as session:
        if args.classify_command == "versions":
            for v in learned_routing.versions(session):
                print(
                    f"{'*' if v.active else ' '} v{v.version:<4} {v.created_at:%Y-%m-%d %H:%M} "
                    f"samples={v.trained_on} macro_f1={v.macro_f1:.3f} "
                    f"accuracy={v.accuracy:.3f} dept_macro_f1={v.department_macro_f1:.3f} "
                    + (f"ece={v.ece:.3f} " if v.ece is not None else "")
                    + f"{v.note or ''}"
                )
            return 0
        if args.classify_command == "rates":
            for r in learned_routing.rates(session):
                print(
                    f"{r.category_code or '-'} {r.category_name} {r.kind}: "
                    f"suggested={r.suggestions} taken={r.accepted} "
                    f"overridden={r.suggestions - r.accepted} rate={r.rate:.3f}"
                )
            return 0
        actor: Actor = learned_routing.actor_named(session, args.user)
        if args.classify_command == "activate":
            learned_routing.activate(session, actor, args.version)
            print(f"v{args.version} active")
            return 0
        if args.classify_command == "prune":
            try:
                gone = learned_routing.prune(
                    session, actor, keep=args.keep, days=args.days, dry_run=args.dry_run
                )
            except ClassifierError as exc:
                print(f"错误 / error: {exc}", file=sys.stderr)
                return 2
            verb = "would delete" if args.dry_run else "deleted"
            print(f"{verb}: {', '.join(f'v{v}' for v in gone) or 'nothing'}")
            return 0
        if args.if_older_than is not None and not learned_routing.due(session, args.if_older_than):
            print("the active model is recent; nothing to do")
            return 0
        try:
            made = learned_routing.learn(session, actor, activate=not args.no_activate)
        except ClassifierError as exc:
            print(f"错误 / error: {exc}", file=sys.stderr)
            return 2
        pruned = [] if args.no_prune else learned_routing.prune(session, actor)
        print(
            json.dumps(
                {
                    "version": made.version,
                    "samples": made.trained_on,
                    "macro_f1": made.macro_f1,
                    "accuracy": made.accuracy,
                    "department_macro_f1": made.department_macro_f1,
                    "ece": made.ece,
                    "active": made.active,
                    "pruned": pruned,
                },
                ensure_ascii=False,
            )
        )
    return 0


def _classify_file(args: argparse.Namespace) -> int:
    import time

    from command_center.interop.labelled import read_labelled
    from command_center.services import classifier

    data = read_labelled(args.csv, args.text_column, args.label_column, args.id_column)
    print(data.summary())
    if data.conflicting_ids:
        shown = ", ".join(data.conflicting_ids[:10])
        print(f"ids with conflicting labels, left out: {shown}")
    if args.classify_command == "train":
        started = time.perf_counter()
        model = classifier.train(
            (classifier.Sample(t, lab) for t, lab in zip(data.texts, data.labels, strict=True)),
            prior=not args.no_prior,
        )
        from pathlib import Path

        Path(args.out).write_bytes(model.dumps())
        print(
            f"trained on {model.trained_on} texts, {len(model.category.classes)} labels in "
            f"{time.perf_counter() - started:.1f} s -> {args.out}"
        )
        return 0
    result = classifier.evaluate(data.texts, data.labels, folds=args.folds, prior=not args.no_prior)
    for line in result.lines():
        print(line)
    return 0
