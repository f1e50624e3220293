"""A contribution's way in: import, check, choose, submit, review, publish; and a suggested correction.

The command line and the web call these functions; each checks what it is given, does one thing to the
contributions store and appends it to the history. Statuses: imported -> needs work | checked ->
submitted -> accepted | rejected. Only accepted submissions reach the build, through `publish`.
"""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

from contrib import accounts, checks, choices, readers
from contrib.accepted import accepted
from contrib.columns import LAYERS
from contrib.store import StoreError

NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,79}$")
OPEN = ("imported", "needs work", "checked")  # statuses a contributor may still change
DECISIONS = {"accept": "accepted", "reject": "rejected"}


def import_file(store, data: bytes, file_name: str, *, layer: str, contributor: str, name: str | None = None) -> str:
    """Keep a contributed file as a new submission (after reading it once); returns the submission's name."""
    if layer not in LAYERS:
        raise ValueError(f"layer {layer!r} is not one of {', '.join(LAYERS)}")
    table = _read(data, file_name, layer)
    name = name or _free_name(store, Path(file_name).name.split(".")[0])
    if not NAME.match(name):
        raise ValueError(f"submission name {name!r} is not allowed; allowed: lowercase letters, digits, . _ -")
    store.create(name, layer, file_name=Path(file_name).name, data=data, contributor=contributor)
    store.log(contributor, "import", name, {"layer": layer, "rows": len(table.rows)}, file_name=Path(file_name).name)
    return name


def _read(data: bytes, file_name: str, layer: str) -> readers.Table:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / Path(file_name).name
        path.write_bytes(data)
        return readers.read(path, Path(file_name).name, LAYERS[layer].collection)


def _free_name(store, stem: str) -> str:
    stem = re.sub(r"[^a-z0-9._-]+", "-", stem.lower()).strip("-.") or "submission"
    name, n = stem, 1
    while store.get(name) is not None:
        n += 1
        name = f"{stem}-{n}"
    return name


def submission(store, name: str) -> dict:
    found = store.get(name)
    if found is None:
        raise StoreError(f"no submission {name!r}")
    return found


def check(store, name: str, context, gazetteer, who: str) -> checks.Report:
    """Check a submission's file with its choices; keep the report (and the records, when nothing blocks)."""
    sub = submission(store, name)
    table = _read(store.file(name), sub["file_name"], sub["layer"])
    chosen = {_key(k): choices.parse(v["choice"], v.get("basis")) for k, v in (sub["choices"] or {}).items()}
    report = checks.check(table, sub["layer"], context, gazetteer, chosen)
    if sub["status"] in OPEN:
        status = "checked" if report.ok and report.records else "needs work"
        store.update(name, status=status, report=_report(report), records=report.records if report.ok else None)
    store.log(who, "check", name, {"errors": len(report.errors), "to choose": len(report.pending),
                                   "records": len(report.records)}, file_name=sub["file_name"])  # fmt: skip
    return report


def _key(text: str) -> tuple[int, str]:
    row, _, field = text.partition(":")
    return int(row), field


def _report(report: checks.Report) -> dict:
    return {"problems": [p.as_dict() for p in report.problems], "matches": [m.as_dict() for m in report.matches],
            "lines": report.lines(), "ok": report.ok, "records": len(report.records)}  # fmt: skip


def choose(store, name: str, *, row: int, field: str, text: str, basis: str | None, who: str) -> None:
    """Keep a contributor's choice for a name in row `row`, field `field` (see contrib.choices)."""
    sub = submission(store, name)
    _open(sub)
    choice = choices.parse(text, basis)
    kept = dict(sub["choices"] or {}) | {f"{int(row)}:{field}": {"choice": choice.text, "basis": choice.basis}}
    store.update(name, choices=kept)
    store.log(who, "choose", name, {"row": int(row), "field": field, "choice": choice.text}, why=choice.basis)


def submit(store, name: str, who: str) -> None:
    """Send a checked submission to the reviewers."""
    sub = submission(store, name)
    if sub["status"] != "checked":
        raise ValueError(f"submission {name!r} is {sub['status']}; allowed: a checked submission with no problem left")
    store.update(name, status="submitted")
    store.log(who, "submit", name, {"records": len(sub["records"] or [])})


def review(store, name: str, user: dict, decision: str, comment: str | None) -> None:
    """A reviewer accepts or rejects a submitted submission, with a comment (required to reject)."""
    accounts.require(user, "review")
    sub = submission(store, name)
    if decision not in DECISIONS:
        raise ValueError(f"decision {decision!r} is not one of {', '.join(DECISIONS)}")
    if sub["status"] != "submitted":
        raise ValueError(f"submission {name!r} is {sub['status']}; allowed: a submitted one")
    if decision == "reject" and not (comment or "").strip():
        raise ValueError("a rejection needs a comment saying why")
    store.update(name, status=DECISIONS[decision])
    store.log(user["name"], decision, name, {"records": len(sub["records"] or [])}, why=(comment or "").strip() or None)


def _open(sub: dict) -> None:
    if sub["status"] not in OPEN:
        raise ValueError(f"submission {sub['name']!r} is {sub['status']}; allowed: one not yet submitted")


def publish(store, who: str, *, sources: Path, reference: Path, out: Path, database: str | None = None, progress=print):
    """Rebuild the store with every accepted contribution, kept as a new release beside it: the one call of the build
    (layers.build.build)."""
    from layers.build import build
    from store import releases

    contributions = accepted(sources, store)
    names = sorted({n for items in (contributions.by_layer.values() if contributions else []) for n, *_ in items})
    layers = build(
        sources, reference, out, progress=progress, releases=releases.beside(out), contributions=contributions
    )
    if database:
        from store.pg_load import load

        load(out, database, progress=progress)
    store.log(who, "publish", None, {"submissions": names, "store": str(out)})
    return layers


def suggest(store, context, *, layer: str, feature: str, changes: dict, reason: str, user: dict) -> str:
    """A correction of one atlas record, suggested from its page: a one-feature file checked like any other."""
    accounts.require(user, "suggest")
    spec = LAYERS[layer]
    if not (reason or "").strip():
        raise ValueError("a suggestion needs a reason: what is wrong, and where the source says otherwise")
    unknown = [c for c in changes if spec.column(c) is None and not c.startswith("cite_")]
    if unknown:
        raise ValueError(f"no column {unknown[0]!r} in {layer}; allowed: {', '.join(c.name for c in spec.columns)}")
    text = json.loads(context.store.feature_text(spec.collection, feature))
    text["properties"] |= {k: v for k, v in changes.items() if v not in (None, "")}
    data = json.dumps({"type": "FeatureCollection", "features": [text]}, ensure_ascii=False).encode()
    name = _free_name(store, f"fix-{feature}")
    import_file(store, data, "suggestion.geojson", layer=layer, contributor=user["name"], name=name)
    store.log(user["name"], "suggest", name, {"feature": feature, "changes": sorted(changes)}, why=reason.strip())
    return name
