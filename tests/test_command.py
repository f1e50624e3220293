"""The one command line, `border-atlas` (pipeline.cli): every command a user runs, one help line each, and the
`python -m` forms it replaces still working as aliases."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

COMMANDS = ["build", "serve", "releases", "postgis", "figure", "import", "check", "choose", "publish", "list", "users",
            "withdraw"]  # fmt: skip
ALIASES = ["layers.build", "store.releases", "store.pg_admin", "webapp.serve", "webapp.figure", "contrib.cli"]


def run(*args: str) -> subprocess.CompletedProcess:
    environment = os.environ | {"COLUMNS": "120"}
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, check=False, env=environment)


def test_help_lists_every_command_with_one_line():
    done = run("-m", "pipeline", "--help")
    assert done.returncode == 0 and done.stdout.startswith("usage: border-atlas")
    lines = done.stdout.split("  COMMAND\n", 1)[1].split("\n\n", 1)[0].splitlines()
    listed = [re.match(r"^    (\S+)\s{2,}\S", line) for line in lines]
    assert all(listed), f"a command's help takes more than one line: {lines}"
    assert [m.group(1) for m in listed] == COMMANDS[:5] + ["import", "check", "choose", "withdraw", "list", "users",
                                                           "publish"]  # fmt: skip


@pytest.mark.parametrize("command", ["build", "serve", "releases", "postgis", "figure"])
def test_each_command_with_options_of_its_own_has_its_help(command):
    done = run("-m", "pipeline", command, "--help")
    assert done.returncode == 0 and done.stdout.startswith(f"usage: border-atlas {command}"), done.stderr


@pytest.mark.parametrize("module", ALIASES)
def test_the_python_m_forms_are_aliases(module):
    done = run("-m", module, "--help")
    assert done.returncode == 0 and done.stdout.startswith("usage: "), done.stderr


def test_options_of_the_contribution_commands_go_before_them_and_a_build_s_after():
    done = run("-m", "pipeline", "--by", "me", "build")
    assert done.returncode == 2 and "give `build` first" in done.stderr
