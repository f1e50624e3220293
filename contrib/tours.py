"""A guided tour proposed through the contributions' door: its Markdown file (docs/tours.md) is a submission of the
layer `tour` whose rows are its steps, checked by the build's own check (layers.tours) against the atlas of now.

Its report lists the check's error with its line and step; a tour that checks may be submitted and reviewed like any
submission, and once accepted the next build compiles it with the tours of data/tours (pipeline.build).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from contrib.store import configured
from layers import tours
from layers.build import SOURCES
from layers.errors import DataError
from layers.registry import REGISTRY

LAYER = "tour"
SUFFIX = ".md"


def is_tour(file_name: str, layer: str | None) -> bool:
    """A tour's submission: asked for as the layer `tour`, or a Markdown file given without a layer."""
    return layer == LAYER or (not layer and Path(file_name).suffix.lower() == SUFFIX)


@dataclass
class TourReport:
    """What the check of a tour found: each step's problem with its line and step (or the front matter's), and
    how many steps it read."""

    errors: list[dict] = field(default_factory=list)
    steps: int = 0
    title: str | None = None
    pending: tuple = ()
    records: tuple = ()

    @property
    def ok(self) -> bool:
        return not self.errors

    def lines(self) -> list[str]:
        return [f"line {e['line'] or '?'}, {e['step'] or 'the tour'}: {e['message']}" for e in self.errors]

    def as_dict(self) -> dict:
        return {"ok": self.ok, "errors": self.errors, "lines": self.lines(), "steps": self.steps, "title": self.title}


def check(data: bytes, file_name: str, context, sources: Path = SOURCES, taken: dict | None = None) -> TourReport:
    """The tour file checked as the build checks data/tours, against the atlas `context` reads; its slug (the file
    name's stem) must be free: not a tour of data/tours, of the atlas built, nor of `taken` ({slug: whose})."""
    name = Path(file_name).name
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return TourReport([{"line": None, "step": None, "message": "the file is not UTF-8 text"}])
    whose = _slug_taken(Path(name).stem, context, sources, taken or {})
    if whose:
        message = (f"the file name {name!r} makes the tour {Path(name).stem!r}, and {whose}; allowed: a file name of "
                   "its own (rename the file, e.g. with a word of its subject, and upload it again)")  # fmt: skip
        return TourReport([{"line": None, "step": None, "message": message}])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_text(text, encoding="utf-8")
        problems = []
        try:
            tour = tours.compile_tour(path, known(context), problems=problems)
        except DataError as exc:  # the front matter: nothing after it can be read
            problems.append(exc)
            tour = {"steps": [], "title": None}
    errors = [{"line": e.line, "step": e.entry, "message": e.reason} for e in problems]
    steps = len(tour["steps"]) + sum(str(e.entry).startswith("step") for e in problems)
    return TourReport(errors, steps=steps, title=tour["title"])


def _slug_taken(slug: str, context, sources: Path, taken: dict) -> str | None:
    """Who has the tour `slug` already, in words; None when it is free."""
    built = {t["slug"] for t in context.store.meta("tours") or []}
    if (tours.folder(sources) / f"{slug}.md").exists() or slug in built:
        return "the atlas already has a tour of that name"
    return f"{taken[slug]} already proposes a tour of that name" if slug in taken else None


def live_slugs(store, but: str | None = None) -> dict[str, str]:
    """{slug: "the submission NAME"} of the tours proposed and not rejected or withdrawn (but the submission `but`)."""
    live = [s for s in store.submissions() if s["layer"] == LAYER and s["status"] not in ("rejected", "withdrawn")]
    return {Path(s["file_name"]).stem: f"the submission {s['name']!r}" for s in live if s["name"] != but}


def known(context) -> tours.Known:
    """What a step may name in the atlas of now: its collections' ids and its zones."""
    return tours.Known({cid: context.frame(cid) for cid in REGISTRY})


def import_tour(store, data: bytes, file_name: str, *, name: str, contributor: str, context) -> TourReport:
    """Keep a tour file as a new submission (`name`), checked; its report and the history's lines in one go."""
    report = check(data, file_name, context, taken=live_slugs(store))
    base = Path(file_name).name
    with store.transaction():
        store.create(name, LAYER, file_name=base, data=data, contributor=contributor, kind=LAYER, **_state(report))
        store.log(contributor, "import", name, {"layer": LAYER, "steps": report.steps}, file_name=base)
        store.log(contributor, "check", name, _counts(report), file_name=base)
    return report


def new_version(store, name: str, data: bytes, file_name: str, *, who: str, context) -> TourReport:
    """A fixed tour file for the submission `name` (not yet published): its new version, checked again; the history
    keeps both."""
    if Path(file_name).suffix.lower() != SUFFIX:
        raise ValueError(f"{Path(file_name).name[:60]}: submission {name!r} is a tour; allowed: its fixed Markdown "
                         "file (.md)")  # fmt: skip
    report = check(data, file_name, context, taken=live_slugs(store, but=name))
    base = Path(file_name).name
    with store.transaction():
        version = store.replace_file(name, base, data)
        store.update(name, **_state(report))
        store.log(who, "new version", name, {"version": version, "steps": report.steps}, file_name=base)
        store.log(who, "check", name, _counts(report), file_name=base)
    return report


def check_again(store, name: str, context, who: str, *, update: bool) -> TourReport:
    """A tour submission checked again against the atlas of now; its report kept when `update` (not yet submitted)."""
    sub = store.get(name)
    report = check(store.file(name), sub["file_name"], context, taken=live_slugs(store, but=name))
    with store.transaction():
        if update:
            store.update(name, **_state(report))
        store.log(who, "check", name, _counts(report), file_name=sub["file_name"])
    return report


def outline(data: bytes) -> list[dict]:
    """The steps of a tour file as a reviewer reads them before deciding: number, title, years (as written), the
    features selected and the first line of the text; a block that is not YAML is shown as such, not checked here."""
    text = data.decode("utf-8", errors="replace")
    front = tours.FRONT.match(text)
    blocks = list(tours.STEP.finditer(text, front.end() if front else 0))
    ends = [m.start() for m in blocks[1:]] + [len(text)]
    return [_step_outline(n, m, text[m.end() : end]) for n, (m, end) in enumerate(zip(blocks, ends, strict=True), 1)]


def _step_outline(n: int, block, body: str) -> dict:
    try:
        state = yaml.safe_load(block.group("yaml"))
    except yaml.YAMLError:
        state = None
    state = state if isinstance(state, dict) else {}
    years = state.get("years")
    years = "–".join(str(y) for y in dict.fromkeys(years)) if isinstance(years, list) else years
    select = state.get("select")
    first = next((line.strip() for line in body.splitlines() if line.strip()), "")
    return {"n": n, "title": state.get("title"), "years": years, "text": first,
            "select": [select] if isinstance(select, str) else list(select or [])}  # fmt: skip


def _state(report: TourReport) -> dict:
    return {"status": "checked" if report.ok else "needs work", "report": report.as_dict(), "records": None}


def _counts(report: TourReport) -> dict:
    return {"errors": len(report.errors), "steps": report.steps}


def accepted_tours(store=None) -> list[tuple[str, bytes, str]]:
    """The accepted tours of the contributions store (its configured one by default): [(file name, Markdown,
    submission name)]."""
    store = store or configured()
    if not store.postgres and not Path(store.url).exists():
        return []
    subs = [s for s in store.submissions(status="accepted") if s["layer"] == LAYER]
    return [(Path(s["file_name"]).name, store.file(s["name"]), s["name"]) for s in sorted(subs, key=_name)]


def _name(sub: dict) -> str:
    return sub["name"]
