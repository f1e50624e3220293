"""The contribution commands of `border-atlas` (pipeline.cli gives the one command line, and `publish`):

  border-atlas import FILE --layer incidents|places|units|customs|migration [--as NAME]
  border-atlas import TOUR.md [--as NAME]   (a guided tour: docs/tours.md)
  border-atlas check NAME
  border-atlas choose NAME ROW FIELD CHOICE [--basis TEXT]
  border-atlas withdraw NAME --reason TEXT
  border-atlas list
  border-atlas users add NAME --role reader|contributor|reviewer|admin [--password-stdin]

Importing again under the name of a submission not yet accepted (`import fixed.csv --as NAME`) makes a new
version of it: the history keeps both, the places chosen for names the new file still holds are kept.
The command line acts with the authority of whoever runs it on the machine that holds the data (as an
admin). Exit status: 0 done, 1 the file has problems or names to choose, 2 the command could not be carried out.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from contrib import accounts, publishing, workflow
from contrib.columns import LAYERS
from contrib.limits import ReadError
from contrib.store import ContributionStore, StoreError, configured
from layers.build import REFERENCE, SOURCES
from layers.errors import DataError
from store.config import STORE

PROGRAM = "border-atlas"


def options(parser: argparse.ArgumentParser) -> None:
    """The options the contribution commands share, given before the command."""
    parser.add_argument("--contributions", help="the contributions store: a SQLite file or a postgresql:// URL "
                        "(default: BORDER_ATLAS_DATABASE, else data/contributions/contributions.sqlite)")  # fmt: skip
    parser.add_argument("--store", type=Path, default=STORE, help="the built atlas the checks read and publish writes")
    parser.add_argument("--sources", type=Path, default=SOURCES, help="the curated sources the build reads")
    parser.add_argument("--reference", type=Path, default=REFERENCE, help="the border line and land the build reads")
    parser.add_argument("--by", default=getpass.getuser(), help="who is acting (default: your login name)")


def add_commands(commands) -> None:
    """The contribution commands, added to the command line's subcommands."""
    add = commands.add_parser("import", help="keep a file as a new submission, then check it")
    add.add_argument(
        "file", type=Path, help="CSV, XLSX, GeoJSON, GeoPackage, LPF, a download's CSV zip, or a tour (.md)"
    )
    add.add_argument(
        "--layer",
        choices=[*LAYERS, "tour"],
        default="",
        help="the layer its records belong to; `tour` (or none, for a .md file) for a guided tour",
    )
    add.add_argument("--as", dest="name", help="the submission's name (default: from the file's name); the name of "
                     "one not yet accepted: a new version of it")  # fmt: skip
    check = commands.add_parser("check", help="check a submission: every problem, one line each; names to choose")
    check.add_argument("name")
    choose = commands.add_parser("choose", help="choose a place for a name the gazetteer lacks")
    choose.add_argument("name")
    choose.add_argument("row", type=int, help="the row (the spreadsheet's row number) the name is in")
    choose.add_argument("field", help="the field: location.place, location.phrase, seat, place")
    choose.add_argument("choice", help="place:ID, geonames:ID, lonlat:LON,LAT[,RADIUS_M], area:AREA_ID or unlocated")
    choose.add_argument("--basis", help="how the point was found, or why the place cannot be located")
    withdraw = commands.add_parser("withdraw", help="withdraw a submission not yet accepted, saying why")
    withdraw.add_argument("name")
    withdraw.add_argument("--reason", required=True, help="why it is withdrawn (kept in the history)")
    commands.add_parser("list", help="every submission and its status")
    users = commands.add_parser("users", help="accounts for the web's contribute and review pages")
    actions = users.add_subparsers(dest="action", required=True, metavar="ACTION")
    new = actions.add_parser("add", help="add an account (the password is asked for)")
    new.add_argument("user")
    new.add_argument("--role", required=True, choices=accounts.ROLES)
    new.add_argument("--password-stdin", action="store_true", help="read the password from standard input")


def run(args, commands: dict, errors: tuple = ()) -> int:
    """Run a contribution command (`commands`: {name: function(args, contributions store)}) on the store the
    options name; an error of the kinds expected (and `errors`) is said in one line, exit status 2."""
    store = ContributionStore(args.contributions) if args.contributions else configured()
    try:
        return commands[args.command](args, store)
    except (ValueError, StoreError, ReadError, DataError, accounts.Forbidden, FileNotFoundError, *errors) as exc:
        print(f"{PROGRAM}: {exc}", file=sys.stderr)
        return 2


def _context(args):
    from contrib.context import Context
    from contrib.reconcile import Gazetteer
    from store import GeoPackageStore

    if not args.store.exists():
        raise FileNotFoundError(f"the atlas has not been built at {args.store}: run `make data` first")
    context = Context(GeoPackageStore(args.store))
    return context, Gazetteer.of(context)


def _import(args, store) -> int:
    data = args.file.read_bytes()
    context, gazetteer = _context(args)
    name, report = workflow.import_file(store, data, args.file.name, layer=args.layer, contributor=args.by,
                                        name=args.name, context=context, gazetteer=gazetteer)  # fmt: skip
    taken = store.get(name)["layer"]
    if not args.layer and taken in LAYERS:
        print(f"no --layer given: its columns are those of the {taken} layer; taken as {taken}")
    earlier = store.versions(name)
    kept = len(store.get(name)["choices"] or {})
    kept = f"{kept} choice{'' if kept == 1 else 's'} kept"
    print(f"imported {args.file.name} as version {len(earlier) + 1} of {name} ({kept})" if earlier
          else f"imported {args.file.name} as {name}")  # fmt: skip
    return _said(store, name, report)


def _check(args, store) -> int:
    return _check_named(args, store, args.name)


def _check_named(args, store, name: str) -> int:
    return _said(store, name, workflow.check(store, name, *_context(args), args.by))


def _said(store, name: str, report) -> int:
    for line in report.lines():
        print(line)
    status = store.get(name)["status"]
    if hasattr(report, "steps"):  # a tour (contrib.tours): its rows are its steps
        print(f"{name}: {len(report.errors)} errors, {report.steps} steps checked; {status}")
        return 0 if report.ok else 1
    if report.nothing_new:
        print(f"{name}: nothing new: every row is as the atlas has it; nothing to fix and nothing to submit")
        return 0
    print(f"{name}: {len(report.errors)} errors, {len(report.pending)} names to choose, "
          f"{len(report.records)} records ready; {status}")  # fmt: skip
    return 0 if report.ok else 1


def _choose(args, store) -> int:
    workflow.choose(store, args.name, row=args.row, field=args.field, text=args.choice, basis=args.basis, who=args.by)
    return _check_named(args, store, args.name)


def _list(args, store) -> int:
    """Every submission: name, layer, status, contributor, file, and where an accepted one's publication is."""
    if not store.submissions():
        print(f"no submission yet; to make one: {PROGRAM} import FILE --layer {'|'.join(LAYERS)}")
    for sub in store.submissions():
        print("\t".join([sub["name"], sub["layer"], sub["status"], sub["contributor"], sub["file_name"],
                         publishing.state(sub, args.store) or ""]).rstrip("\t"))  # fmt: skip
    return 0


def _withdraw(args, store) -> int:
    workflow.withdraw(store, args.name, args.by, args.reason)
    print(f"{args.name}: withdrawn")
    return 0


def _users(args, store) -> int:
    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else _ask()
    accounts.add_user(store, args.user, args.role, password, args.by)
    print(f"added {args.user} ({args.role})")
    return 0


def _ask() -> str:
    if not sys.stdin.isatty():  # piped in: getpass would read one line and fail at "again"
        raise ValueError("the password is asked on a terminal; to pipe it in, add --password-stdin")
    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        raise ValueError("the two passwords differ")
    return first


COMMANDS = {"import": _import, "check": _check, "choose": _choose, "list": _list, "users": _users,
            "withdraw": _withdraw}  # fmt: skip

if __name__ == "__main__":  # an alias of `border-atlas`
    from pipeline.cli import main

    sys.exit(main())
