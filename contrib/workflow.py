"""A contribution's way in: import, check, choose, submit, review, publish; and a suggested correction.

The command line and the web call these functions; each checks what it is given, does one thing to the
contributions store and appends it to the history. Statuses: checked | needs work (a file is imported and
checked in one transaction: a process killed meanwhile leaves no submission) -> submitted -> accepted |
rejected. Only accepted submissions reach the build, through `publish` (contrib.publishing).
"""

from __future__ import annotations

import json
import re
import secrets
import tempfile
from pathlib import Path

from contrib import accounts, checks, choices, readers, tours, wholes
from contrib.columns import LAYERS
from contrib.store import StoreError

NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,79}$")
OPEN = ("imported", "needs work", "checked")  # statuses a contributor may still change
UNPUBLISHED = (*OPEN, "submitted", "rejected")  # statuses a new version of the file may replace (or a withdrawal end)
DECISIONS = {"accept": "accepted", "reject": "rejected"}
OVERRIDE = "accepted by its own contributor, as an admin"


def import_file(store, data: bytes, file_name: str, *, layer: str, contributor: str, context, gazetteer,
                name: str | None = None, kind: str = "file") -> tuple[str, checks.Report]:  # fmt: skip
    """Keep a contributed file as a new submission, checked: the submission, its report and the history's lines are
    written in one transaction, after the file was read and checked. Returns its name and its report. A tour's
    Markdown file (layer `tour`) is checked as the build checks tours (contrib.tours)."""
    if tours.is_tour(file_name, layer):
        if name is not None and store.get(name) is not None:
            return name, new_version(store, name, data, file_name, layer=tours.LAYER, who=contributor,
                                     context=context, gazetteer=gazetteer)  # fmt: skip
        name = name or _free_name(store, Path(file_name).name.split(".")[0])
        if not NAME.match(name):
            raise ValueError(f"submission name {name!r} is not allowed; allowed: lowercase letters, digits, . _ -")
        return name, tours.import_tour(store, data, file_name, name=name, contributor=contributor, context=context)
    if layer and layer not in LAYERS:
        raise ValueError(f"layer {layer!r} is not one of {', '.join(LAYERS)}")
    if Path(file_name).suffix.lower() == tours.SUFFIX:
        raise ValueError(f"layer {layer!r}: {Path(file_name).name[:60]} is a Markdown file, a guided tour; "
                         f"allowed: the layer tour for a tour, or a CSV, XLSX, GeoJSON, GeoPackage or LPF file for "
                         f"{layer}")  # fmt: skip
    if name is not None and store.get(name) is not None:
        return name, new_version(store, name, data, file_name, layer=layer or None, who=contributor,
                                 context=context, gazetteer=gazetteer)  # fmt: skip
    table = _read(data, file_name, layer)
    layer = layer or wholes.layer_of(table.columns)  # none given: the one its columns fit
    name = name or _free_name(store, Path(file_name).name.split(".")[0])
    if not NAME.match(name):
        raise ValueError(f"submission name {name!r} is not allowed; allowed: lowercase letters, digits, . _ -")
    report = checks.check(table, layer, context, gazetteer, {})
    base = Path(file_name).name
    with store.transaction():
        store.create(name, layer, file_name=base, data=data, contributor=contributor, kind=kind, **_state(report))
        store.log(contributor, "import", name, {"layer": layer, "rows": len(table.rows)}, file_name=base)
        store.log(contributor, "check", name, _counts(report), file_name=base)
    return name, report


def new_version(store, name: str, data: bytes, file_name: str, *, who: str, context, gazetteer,
                layer: str | None = None, table: readers.Table | None = None) -> checks.Report:  # fmt: skip
    """A fixed file for a submission not yet published: its new version (the history keeps both), checked again with
    the choices made for the names its rows still hold. Returns the report."""
    sub = submission(store, name)
    if sub["status"] not in UNPUBLISHED:
        raise ValueError(f"there is already a submission {name!r}, {sub['status']}; allowed: a new version of one "
                         "not yet accepted, or another name (--as NAME)")  # fmt: skip
    if layer not in (None, sub["layer"]):
        raise ValueError(f"submission {name!r} is of the {sub['layer']} layer; allowed: a new version of the same "
                         "layer, or another name (--as NAME)")  # fmt: skip
    if sub["layer"] == tours.LAYER:
        return tours.new_version(store, name, data, file_name, who=who, context=context)
    table = table or _read(data, file_name, sub["layer"])
    first = checks.check(table, sub["layer"], context, gazetteer, {})
    kept = _kept_choices(sub, first)
    report = checks.check(table, sub["layer"], context, gazetteer, _chosen(kept)) if kept else first
    base = Path(file_name).name
    with store.transaction():
        version = store.replace_file(name, base, data)
        store.update(name, choices=kept, **_state(report))
        store.log(who, "new version", name, {"version": version, "rows": len(table.rows), "choices kept": len(kept)},
                  file_name=base)  # fmt: skip
        store.log(who, "check", name, _counts(report), file_name=base)
    return report


def _kept_choices(sub: dict, report: checks.Report) -> dict:
    """The choices of a submission's earlier file, for the rows of the new one that hold the same names."""
    made = sub["choices"] or {}
    earlier = {(m["field"], m["text"]): made[f"{m['row']}:{m['field']}"] for m in (sub["report"] or {}).get(
        "matches", []) if f"{m['row']}:{m['field']}" in made}  # fmt: skip
    return {f"{m.row}:{m.field}": earlier[(m.field, m.text)] for m in report.matches if (m.field, m.text) in earlier}


def withdraw(store, name: str, who: str, reason: str) -> None:
    """Withdraw a submission not yet published, saying why (in the history)."""
    if not (reason or "").strip():
        raise ValueError("a withdrawal needs a reason: say why the submission is withdrawn")
    sub = submission(store, name)
    if sub["status"] not in UNPUBLISHED and not failed(sub):
        raise ValueError(f"submission {name!r} is {sub['status']}; allowed: one not yet accepted, or accepted and "
                         "not published because its build failed")  # fmt: skip
    store.update(name, status="withdrawn")
    store.log(who, "withdraw", name, why=reason.strip())


def failed(sub: dict) -> bool:
    """An accepted submission whose build failed: it may still be withdrawn or rejected, for the builds to go on."""
    return sub["status"] == "accepted" and (sub["publication"] or {}).get("state") == "failed"


def _read(data: bytes, file_name: str, layer: str) -> readers.Table:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / Path(file_name).name
        path.write_bytes(data)
        return readers.read(path, Path(file_name).name, LAYERS[layer].collection if layer else None)


def _free_name(store, stem: str) -> str:
    stem = _stem(stem)
    name, n = stem, 1
    while store.get(name) is not None:
        n += 1
        name = f"{stem}-{n}"
    return name


def _stem(text: str) -> str:
    return re.sub(r"[^a-z0-9._-]+", "-", text.lower()).strip("-.")[:60] or "submission"


def private_name(store, stem: str) -> str:
    """A new submission's name on a shared deployment: its stem and a random part, so that the name a contributor
    gets says nothing of the names other contributors took."""
    while True:
        name = f"{_stem(stem)}-{secrets.token_hex(3)}"
        if store.get(name) is None:
            return name


def submission(store, name: str) -> dict:
    found = store.get(name)
    if found is None:
        raise StoreError(f"no submission {name!r}")
    return found


def check(store, name: str, context, gazetteer, who: str) -> checks.Report:
    """Check a submission's file with its choices; keep the report (and the records, when nothing blocks)."""
    sub = submission(store, name)
    if sub["layer"] == tours.LAYER:  # no names to choose: the tour checked again, as when it was imported
        return tours.check_again(store, name, context, who, update=sub["status"] in OPEN)
    table = _read(store.file(name), sub["file_name"], sub["layer"])
    report = checks.check(table, sub["layer"], context, gazetteer, _chosen(sub["choices"] or {}))
    with store.transaction():
        if sub["status"] in OPEN:
            store.update(name, **_state(report))
        store.log(who, "check", name, _counts(report), file_name=sub["file_name"])
    return report


def _chosen(made: dict) -> dict:
    return {_key(k): choices.parse(v["choice"], v.get("basis")) for k, v in made.items()}


def _state(report: checks.Report) -> dict:
    """A checked submission's status, report and records."""
    status = "checked" if report.ok and report.records else "needs work"
    return {"status": status, "report": _report(report), "records": report.records if report.ok else None}


def _counts(report: checks.Report) -> dict:
    return {"errors": len(report.errors), "to choose": len(report.pending), "records": len(report.records)}


def _key(text: str) -> tuple[int, str]:
    row, _, field = text.partition(":")
    return int(row), field


def _report(report: checks.Report) -> dict:
    return {"problems": [p.as_dict() for p in report.problems], "matches": [m.as_dict() for m in report.matches],
            "lines": report.lines(), "ok": report.ok, "records": len(report.records),
            "nothing_new": report.nothing_new}  # fmt: skip


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


def review(store, name: str, user: dict, decision: str, comment: str | None, *, override: bool = False) -> None:
    """A reviewer accepts or rejects a submitted submission, with a comment (required to reject). Nobody accepts their
    own submission, unless an admin overrides it explicitly (`override`, written in the history)."""
    accounts.require(user, "review")
    if decision not in DECISIONS:
        raise ValueError(f"decision {decision!r} is not one of {', '.join(DECISIONS)}")
    if decision == "reject" and not (comment or "").strip():
        raise ValueError("a rejection needs a comment saying why")
    with store.transaction():  # read and decided at once: two reviewers cannot both decide it
        sub = submission(store, name)
        if sub["status"] != "submitted" and not (decision == "reject" and failed(sub)):
            raise ValueError(f"submission {name!r} is {sub['status']}; allowed: a submitted one (or, to reject, an "
                             "accepted one whose build failed)")  # fmt: skip
        own = decision == "accept" and sub["contributor"] == user["name"]
        if own and not (override and user.get("role") == "admin"):
            raise accounts.Forbidden(f"{user['name']} contributed {name!r} and may not accept it; allowed: another "
                                     "reviewer, or an admin's explicit override")  # fmt: skip
        what = {"records": len(sub["records"] or [])} | ({"override": OVERRIDE} if own else {})
        store.update(name, status=DECISIONS[decision])
        store.log(user["name"], decision, name, what, why=(comment or "").strip() or None)


def _open(sub: dict) -> None:
    if sub["status"] not in OPEN:
        raise ValueError(f"submission {sub['name']!r} is {sub['status']}; allowed: one not yet submitted")


def suggest(store, context, gazetteer, *, layer: str, feature: str, changes: dict, reason: str, user: dict):
    """A correction of one atlas record, suggested from its page: a one-feature file checked like any other, kept as
    a submission of kind "suggestion". Its id is never changed (a suggestion corrects the record it was made from).
    Returns its name and its report."""
    accounts.require(user, "suggest")
    spec = LAYERS[layer]
    if not (reason or "").strip():
        raise ValueError("a suggestion needs a reason: what is wrong, and where the source says otherwise")
    unknown = [c for c in changes if spec.column(c) is None and not c.startswith("cite_")]
    if unknown:
        raise ValueError(f"no column {unknown[0]!r} in {layer}; allowed: {', '.join(c.name for c in spec.columns)}")
    fixed = [c for c in changes if c in ("id", spec.id_column) or (spec.column(c) and spec.column(c).path == "id")]
    if fixed:
        raise ValueError(f"a suggestion cannot change {fixed[0]!r}: it corrects the record {feature!r}; allowed: "
                         "any other field")  # fmt: skip
    text = json.loads(context.store.feature_text(spec.collection, feature))
    text["properties"] |= {k: v for k, v in changes.items() if v not in (None, "")}
    data = json.dumps({"type": "FeatureCollection", "features": [text]}, ensure_ascii=False).encode()
    name = private_name(store, f"fix-{feature}")
    with store.transaction():  # the suggestion and its reason together, or neither
        report = import_file(store, data, "suggestion.geojson", layer=layer, contributor=user["name"],
                             context=context, gazetteer=gazetteer, name=name, kind="suggestion")[1]  # fmt: skip
        store.log(user["name"], "suggest", name, {"feature": feature, "changes": sorted(changes)}, why=reason.strip())
    return name, report
