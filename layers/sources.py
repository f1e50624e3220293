"""Reading curated YAML sources with the line number of every entry."""

from __future__ import annotations

from pathlib import Path

import yaml

from layers.errors import DataError

LINE = "__line__"


class _LineLoader(yaml.SafeLoader):
    """A safe loader that records in each mapping the line it starts on (1-based)."""

    def construct_mapping(self, node, deep=False):
        mapping = super().construct_mapping(node, deep=deep)
        mapping[LINE] = node.start_mark.line + 1
        return mapping


def load_yaml(path: Path, top: type = dict, what: str = "entries"):
    """Load a YAML source whose top level is a `top` (dict, or a list of mappings).

    A syntax error becomes a DataError with the file and line.
    """
    try:
        with open(path, encoding="utf-8") as fh:
            data = yaml.load(fh, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        raise DataError(path, mark.line + 1 if mark else None, None, f"not valid YAML: {exc.problem}") from None
    except OSError as exc:
        raise DataError(path, None, None, f"cannot read: {exc.strerror}") from None
    if not isinstance(data, top):
        raise DataError(
            path, 1, None, f"expected {'a list of ' + what if top is list else 'a mapping'} at the top level"
        )
    if top is list:
        for entry in data:
            if not isinstance(entry, dict):
                raise DataError(path, None, None, f"every entry must be a mapping, found {entry!r}")
    return data


def check_fields(path: Path, entry: dict, required: set[str], optional: set[str]) -> None:
    """Every required field present, no field outside required | optional."""
    line, ident = entry.get(LINE), entry.get("id")
    missing = sorted(required - entry.keys())
    if missing:
        raise DataError(path, line, ident, f"missing field(s) {missing}")
    unknown = sorted(entry.keys() - required - optional - {LINE})
    if unknown:
        raise DataError(path, line, ident, f"unknown field(s) {unknown}; allowed: {sorted(required | optional)}")


def entries(path: Path, data: dict, key: str) -> list[dict]:
    """The list under `key`, which must hold mappings."""
    items = data[key]
    if not isinstance(items, list) or not all(isinstance(e, dict) for e in items):
        raise DataError(path, data.get(LINE), None, f"`{key}` must be a list of mappings")
    return items


def check_unique(path: Path, items: list[dict]) -> None:
    """No id twice."""
    seen = set()
    for item in items:
        if item.get("id") in seen:
            raise DataError(path, item[LINE], item["id"], "duplicate id")
        seen.add(item.get("id"))


def strip_lines(value):
    """A copy of a loaded value without the line-number keys."""
    if isinstance(value, dict):
        return {k: strip_lines(v) for k, v in value.items() if k != LINE}
    if isinstance(value, list):
        return [strip_lines(v) for v in value]
    return value
