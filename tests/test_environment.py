"""environment.yml (conda) lists the same dependencies, with the same lower bounds, as pyproject.toml."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
# conda-forge names that differ from PyPI names
CONDA_NAMES = {}


def _spec(text: str) -> tuple[str, str]:
    match = re.match(r"^([A-Za-z0-9_.\-]+)\s*(.*)$", text.strip())
    return match.group(1).lower(), match.group(2).replace(" ", "")


def pip_specs(root: Path = ROOT) -> dict[str, str]:
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    deps = project["dependencies"] + [d for group in project["optional-dependencies"].values() for d in group]
    return dict(_spec(d) for d in deps)


def conda_specs(root: Path = ROOT) -> dict[str, str]:
    deps = yaml.safe_load((root / "environment.yml").read_text(encoding="utf-8"))["dependencies"]
    pip = [d for group in deps if isinstance(group, dict) for d in group.get("pip", [])]
    specs = dict(_spec(d) for d in [d for d in deps if isinstance(d, str)] + pip)
    specs.pop("python", None)
    specs.pop("pip", None)
    return specs


def test_environment_matches_pyproject():
    pip = {CONDA_NAMES.get(k, k): v for k, v in pip_specs().items()}
    assert conda_specs() == pip


def test_the_check_can_fail(tmp_path):
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    env["dependencies"] = [d for d in env["dependencies"] if not str(d).startswith("shapely")]
    fake = tmp_path / "environment.yml"
    fake.write_text(yaml.safe_dump(env), encoding="utf-8")
    assert conda_specs(tmp_path) != pip_specs()
