"""`border-atlas`: the one command line of the atlas, everything a user runs.

  border-atlas build | serve | releases list|prune|diff | postgis load|list|prune | figure     (each: --help)
  border-atlas import | check | choose | publish | withdraw | list | users                               (contributions)

The first five are the data build, serving and the releases, each with its own options after its name
(`python -m layers.build`, `webapp.serve`, `store.releases`, `store.pg_admin`, `webapp.figure` are aliases).
The contribution commands share the options given before them (--contributions, --store, --by ...).
Exit status: 0 done, 1 the file has problems or names to choose (or the build's sources have), 2 the command could
not be carried out (a build that failed included).
"""

from __future__ import annotations

import argparse
import sys

from contrib import cli as intake
from pipeline import build, publish
from store import pg_admin, releases
from webapp import serve
from webapp.figure import __main__ as figure

PROGRAM = "border-atlas"
# The commands with options of their own: {name: (one line of help, its main(argv, prog))}.
OWN = {
    "build": ("build the atlas from its sources, keep a release", build.main),
    "serve": ("serve the atlas (nginx and gunicorn, as make run)", serve.main),
    "releases": ("the releases on disk: list, prune, diff", releases.main),
    "postgis": ("the releases in PostGIS: load, list, prune", pg_admin.main),
    "figure": ("draw a map view's figure to a file (SVG, PDF, PNG)", figure.main),
}


def parser() -> argparse.ArgumentParser:
    command = argparse.ArgumentParser(prog=PROGRAM, description=__doc__.splitlines()[0])
    intake.options(command)
    commands = command.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (words, _) in OWN.items():
        commands.add_parser(name, help=words, add_help=False, prefix_chars="\0")
    intake.add_commands(commands)
    step = commands.add_parser("publish", help="accept a submission and rebuild the atlas with it")
    step.add_argument("name", nargs="?", help="the submission (none: rebuild with the accepted ones)")
    step.add_argument("--pending", action="store_true", help="build only if a submission waits and no other build "
                      "runs (the one running takes it): what an acceptance on the web starts")  # fmt: skip
    return command


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in OWN:
        return OWN[argv[0]][1](argv[1:], prog=f"{PROGRAM} {argv[0]}") or 0
    args = parser().parse_args(argv)
    if args.command in OWN:  # options of the contribution commands before it
        print(f"{PROGRAM}: give `{args.command}` first, its options after it", file=sys.stderr)
        return 2
    return intake.run(args, intake.COMMANDS | {"publish": publish.command}, errors=(publish.PublishError,))


if __name__ == "__main__":
    sys.exit(main())
