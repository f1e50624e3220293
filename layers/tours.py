"""Guided tours (data/tours/*.md): read, checked against the build, compiled into the store with its release.

A tour is a Markdown file: YAML front matter (title, authors, summary, licence, release) between `---` lines, an
optional introduction, then one fenced block per step (```` ```step ````, YAML: the map state and the citations)
followed by the step's text in Markdown, up to the next step. docs/tours.md gives the format.

A step that names a layer, a feature or a year the build does not have, or a citation that does not resolve, stops
the build with the file, the line, the step and what is allowed (layers.errors.DataError).
"""

from __future__ import annotations

import math
import re
import tempfile
from pathlib import Path

import yaml

from evidence import provenance
from evidence.citations import resolve
from evidence.documents import TEXTS
from layers import schema, sources
from layers.errors import DataError

FRONT = re.compile(r"\A---[ \t]*\n(?P<yaml>.*?)^---[ \t]*$", re.S | re.M)
STEP = re.compile(r"^```step[ \t]*\n(?P<yaml>.*?)^```[ \t]*$", re.S | re.M)
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TOUR_FIELDS = ({"title", "authors", "summary", "licence", "release"}, set())
STEP_FIELDS = ({"years", "cite"}, {"title", "centre", "zoom", "bbox", "layers", "select"})
TOUR_TYPES = {"authors": ("texts",), "release": ("text",), "title": ("text",), "summary": ("text",)}
STEP_TYPES = {"years": ("whole", "numbers"), "centre": ("numbers",), "zoom": ("whole",), "bbox": ("numbers",)}
STEP_TYPES |= {"layers": ("texts",), "select": ("text", "texts"), "cite": ("mappings",), "title": ("text",)}
# The overlays a step may name besides the zones (by id): the map's collections drawn as layers of their own, the
# uncertainty circles, the areas of possibility, the areas the flows go between and the heat map (webapp.vocabulary).
MAP_LAYERS = ("border", "places", "outposts", "customs", "diplomacy", "incidents", "migration", "placeCircles",
              "placeAreas", "incidentCircles", "incidentAreas", "migrationAreas", "heat")  # fmt: skip
ZOOMS = (3, 18)
FEATURE_IDS = (
    "allowed: the id of a feature of the atlas (open the feature on the map: the address shows its id after sel=; "
    "its page /incidents/<id> or /places/<id>; or the API, /collections/<layer>/items)"
)
VIEW = (800, 600)  # the map's size in pixels a bbox is fitted to (the player's map beside its panel)


def folder(sources_dir: Path) -> Path:
    """Where a build's tours are: `tours` beside its sources (data/tours for data/sources)."""
    return Path(sources_dir).parent / "tours"


def compile_all(where: Path, built: dict, texts: Path = TEXTS, contributed: list[tuple] = ()) -> list:
    """Every tour in `where` (none when it does not exist), then the `contributed` ones ([(file name, Markdown[,
    submission name])]: the accepted tours of the contributions), checked against the built layers, in slug order. A
    contributed tour that fails names its submission, the one to withdraw or reject for the builds to go on."""
    known = Known(built)
    paths = sorted(Path(where).glob("*.md")) if Path(where).is_dir() else []
    compiled = [compile_tour(path, known, texts) for path in paths]
    with tempfile.TemporaryDirectory() as tmp:
        for file_name, data, *name in contributed:
            path = Path(tmp) / Path(file_name).name
            path.write_bytes(data)
            where = f"contributions/{path.name}"
            blame = f"the accepted submission {name[0]!r}" if name else "an accepted tour"
            fix = f"; to publish again, withdraw or reject {blame}" if name else ""
            try:
                tour = compile_tour(path, known, texts) | {"file": where}
            except DataError as exc:
                raise DataError(where, exc.line, exc.entry, f"{exc.reason} ({blame}{fix})") from None
            if any(t["slug"] == tour["slug"] for t in compiled):
                raise DataError(where, None, None, f"a tour {tour['slug']!r} is already in the atlas ({blame}{fix})")
            compiled.append(tour)
    return sorted(compiled, key=lambda t: t["slug"])


class Known:
    """What a step may name in this build: the layers, the features (by id) and the years."""

    def __init__(self, built: dict):
        self.layers = set(MAP_LAYERS) | set(built["zones"]["id"]) if "zones" in built else set(MAP_LAYERS)
        self.features = {str(i) for frame in built.values() if "id" in frame for i in frame["id"]}


def compile_tour(path: Path, known: Known, texts: Path = TEXTS, problems: list | None = None) -> dict:
    """One tour as the store keeps it: its front matter, introduction and steps, every citation resolved. Given a
    list `problems`, a step that does not check adds its DataError there and the others are still checked (a
    contributor's report lists every step's problem at once); without it the first one is raised (the build)."""
    text = Path(path).read_text(encoding="utf-8")
    front = FRONT.match(text)
    if not front:
        raise DataError(path, 1, None, "a tour begins with its front matter between two `---` lines")
    head = _yaml(path, text, front, "the front matter")
    sources.check_fields(path, head, TOUR_FIELDS[0], TOUR_FIELDS[1], TOUR_TYPES)
    steps = list(STEP.finditer(text, front.end()))
    if not steps:
        raise DataError(path, _line(text, front.end()), None, "a tour needs at least one ```step block")
    slug = Path(path).stem
    if not SLUG.match(slug):
        raise DataError(path, None, None, f"the file name {slug!r} must be a slug (lowercase words joined by -)")
    ends = [m.start() for m in steps[1:]] + [len(text)]
    out = {k: head[k] for k in ("title", "authors", "summary", "licence", "release")}
    out |= {"slug": slug, "file": f"data/tours/{Path(path).name}"}
    out["intro"] = text[front.end() : steps[0].start()].strip()
    out["steps"] = []
    for n, (m, end) in enumerate(zip(steps, ends, strict=True), 1):
        try:
            out["steps"].append(
                _step(path, n, (_yaml(path, text, m, f"step {n}"), text[m.end() : end].strip()), known, texts)
            )
        except DataError as exc:
            if problems is None:
                raise
            problems.append(exc)
    return out


class _Lines(yaml.SafeLoader):
    """A safe loader whose mappings carry the line they start on, as layers.sources' do."""

    def construct_mapping(self, node, deep=False):
        return {**super().construct_mapping(node, deep=deep), sources.LINE: node.start_mark.line + 1}


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _yaml(path: Path, text: str, match: re.Match, what: str) -> dict:
    """A block's YAML, every mapping carrying its line in the file."""
    start = _line(text, match.start("yaml"))
    padded = "\n" * (start - 1) + match.group("yaml")  # so that the loader's lines are the file's
    try:
        value = yaml.load(padded, Loader=_Lines)  # noqa: S506 - a SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise DataError(path, mark.line + 1 if mark else start, what, f"not valid YAML: {exc.problem}") from None
    if not isinstance(value, dict):
        raise DataError(path, start, what, "the block must be a YAML mapping")
    return value


def _step(path: Path, n: int, parts: tuple[dict, str], known: Known, texts: Path) -> dict:
    """A step (its block and its Markdown text) checked: its years, view, layers, selected feature and citations."""
    block, body = parts
    ident, line = f"step {n}", block[sources.LINE]
    sources.check_fields(path, {**block, "id": ident}, STEP_FIELDS[0] | {"id"}, STEP_FIELDS[1], STEP_TYPES)
    if not body:
        raise DataError(path, line, ident, "a step needs its text in Markdown after its ```step block")
    years = _years(path, line, ident, block["years"])
    view = _view(path, line, ident, block)
    unknown = [name for name in block.get("layers") or [] if name not in known.layers]
    if unknown:
        allowed = ", ".join(sorted(known.layers))
        raise DataError(path, line, ident, f"unknown layer {unknown[0]!r}; allowed: {allowed}")
    selected = _selected(path, line, ident, block.get("select"), known)
    if not block["cite"]:
        raise DataError(path, line, ident, "`cite` must be a non-empty list of citations")
    for cite in block["cite"]:
        _check_citation(path, cite.get(sources.LINE, line), ident, cite, texts)
    cites = [resolve({k: v for k, v in c.items() if k != sources.LINE}, texts) for c in block["cite"]]
    return {"n": n, "title": block.get("title"), "text": body, "years": years, **view, "bbox": block.get("bbox"),
            "layers": block.get("layers"), "select": selected, "cite": cites, "line": line}  # fmt: skip


def _selected(path: Path, line: int, ident: str, select, known: Known) -> list[str]:
    """The features a step selects (`select`: an id or a list of ids, the first one's popup opened), all built."""
    ids = [select] if isinstance(select, str) else list(select or [])
    for fid in ids:
        if fid not in known.features:
            raise DataError(path, line, ident, f"no feature {fid!r} in the build; {FEATURE_IDS}")
    if len(set(ids)) != len(ids):
        raise DataError(path, line, ident, f"`select` names a feature twice: {ids}")
    return ids


def _check_citation(path: Path, line: int, ident: str, cite: dict, texts: Path) -> None:
    """As every record's citation is checked (layers.sources), and its quote found in the text at its note."""
    sources.check_citation(path, line, ident, cite)
    problems = provenance.citation_problems(cite) if texts == TEXTS else []
    if problems:
        raise DataError(path, line, ident, problems[0])


def _years(path: Path, line: int, ident: str, years) -> list[int]:
    """[first, last] from `1930` or `[1927, 1932]`, within the atlas's years."""
    span = [years, years] if isinstance(years, int) else years
    lo, hi = schema.YEARS
    if len(span) != 2 or not all(isinstance(y, int) and lo <= y <= hi for y in span) or span[0] > span[1]:
        raise DataError(path, line, ident, f"years {years!r}: a year or [first, last] within {lo}–{hi}")
    return span


def _view(path: Path, line: int, ident: str, block: dict) -> dict:
    """{centre: [lat, lon], zoom}: given, or fitted to a bbox [west, south, east, north]."""
    if "bbox" in block:
        box = block["bbox"]
        if len(box) != 4 or not (-180 <= box[0] < box[2] <= 180 and -85 <= box[1] < box[3] <= 85):
            raise DataError(path, line, ident, "bbox must be [west, south, east, north] in degrees, west < east")
        return {"centre": [round((box[1] + box[3]) / 2, 4), round((box[0] + box[2]) / 2, 4)], "zoom": fit(box)}
    centre, zoom = block.get("centre"), block.get("zoom")
    if centre is None or zoom is None:
        raise DataError(path, line, ident, "a step gives its view: `centre: [lat, lon]` and `zoom`, or `bbox`")
    if len(centre) != 2 or not (-85 <= centre[0] <= 85 and -180 <= centre[1] <= 180):
        raise DataError(path, line, ident, f"centre {centre!r}: [latitude, longitude] in degrees")
    if not ZOOMS[0] <= zoom <= ZOOMS[1]:
        raise DataError(path, line, ident, f"zoom {zoom}: a whole number from {ZOOMS[0]} to {ZOOMS[1]}")
    return {"centre": [round(float(c), 4) for c in centre], "zoom": zoom}


def fit(box: list[float]) -> int:
    """The largest zoom at which the bbox fits a VIEW-sized map (Web Mercator, 256-pixel tiles)."""

    def y(lat: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    across = math.log2(VIEW[0] * 360 / (256 * (box[2] - box[0])))
    down = math.log2(VIEW[1] * 2 * math.pi / (256 * (y(box[3]) - y(box[1]))))
    return max(ZOOMS[0], min(ZOOMS[1], math.floor(min(across, down))))
