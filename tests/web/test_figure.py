"""GET /figure: a map view as a figure for publication (SVG, PDF, PNG)."""

from __future__ import annotations

import contextlib
import io
import json
import re
import warnings
import xml.etree.ElementTree as ET
import zipfile
from datetime import date
from pathlib import Path

import folium
import pytest
import yaml
from PIL import Image
from pypdf import PdfReader
from shapely.geometry import Point, box

from geo import METRIC_CRS, to_lonlat, to_metric
from layers.migration import KINDS
from webapp import figure, limits
from webapp.mapview import build_map

VIEW_1927 = "year=1927-1932"
CITE = "Border Atlas: the Kazakh–Xinjiang section of the Soviet–Chinese border, 1918–1940"
SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"


def svg_text(data: bytes) -> str:
    """All the text of an SVG, its lines joined by spaces."""
    root = ET.fromstring(data)
    return " ".join(" ".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text"))


def pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


TEXT = {"svg": svg_text, "pdf": pdf_text}


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def rendered(app):
    """Figures by query string, each fetched once."""
    cache, client = {}, app.test_client()

    def get(query: str) -> bytes:
        if query not in cache:
            response = client.get(f"/figure?{query}")
            assert response.status_code == 200, response.get_json()
            cache[query] = response.data
        return cache[query]

    return get


@pytest.fixture(scope="module")
def store(app):
    with app.app_context():
        from webapp.store import get_store

        return get_store()


@pytest.mark.parametrize("fmt", ["svg", "pdf"])
def test_a_figure_has_its_legend_years_and_citation_as_text(rendered, store, fmt):
    text = flat(TEXT[fmt](rendered(f"{VIEW_1927}&format={fmt}")))
    assert "The Kazakh–Xinjiang border, 1927–1932" in text
    for entry in ("22 km border zone", "100 km gold zone", "Border line", "Place: town", "Incident: Armed clash"):
        assert entry in text, entry
    assert CITE in text
    assert f"Data version {store.version}" in text
    assert "map#year=1927-1932" in text


@pytest.mark.parametrize(("fmt", "kind"), [("svg", "image/svg+xml"), ("pdf", "application/pdf"), ("png", "image/png")])
def test_formats_and_content_types(client, fmt, kind):
    response = client.get(f"/figure?year=1930&format={fmt}")
    assert response.status_code == 200
    assert response.mimetype == kind
    assert 'filename="border-atlas-1930.' + fmt in response.headers["Content-Disposition"]


def test_the_default_is_the_default_map_view(rendered):
    text = flat(svg_text(rendered("")))
    assert "The Kazakh–Xinjiang border, 1930" in text
    assert "Border line" in text


def test_a_png_is_300_dpi_and_not_blank(rendered):
    image = Image.open(io.BytesIO(rendered("year=1930&format=png")))
    assert [round(v) for v in image.info["dpi"]] == [300, 300]
    assert image.width == round(174 / 25.4 * 300), "a double column, 174 mm, at 300 dpi"
    grey = image.convert("L")
    colours = grey.getcolors(maxcolors=256 * 256)
    assert len(colours) > 50, "the PNG is (nearly) blank"
    assert max(count for count, _ in colours) < 0.9 * image.width * image.height


@pytest.mark.parametrize(
    ("query", "label"),
    [
        ("lang=name_ru", "Джаркент"),
        ("lang=name_zh", "伊宁"),
        ("lang=name_kk&bbox=82,46.3,84.5,47.5", "Бақты"),
    ],
)
def test_labels_in_cyrillic_kazakh_and_chinese_render_with_no_missing_glyph(client, query, label):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for fmt in ("svg", "png", "pdf"):
            response = client.get(f"/figure?{query}&format={fmt}")
            assert response.status_code == 200
            if fmt == "svg":
                assert label in svg_text(response.data)
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert missing == []


def test_the_glyph_check_can_fail(client, monkeypatch):
    """With only DejaVu Sans (no Chinese), the same check sees the missing glyphs."""
    monkeypatch.setitem(figure.RC, "font.family", ["DejaVu Sans"])
    monkeypatch.setattr(client.application.extensions["atlas_figures"], "cache", limits.BytesCache(0))  # drawn anew
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert client.get("/figure?lang=name_zh&format=png").status_code == 200
    assert any("missing from font" in str(w.message) for w in caught)


BAD = [
    ("year=abc", "year"),
    ("year=1932-1930", "year"),
    ("year=1900", "year"),
    ("year=1930-05", "year"),
    ("bbox=1,2,3", "bbox"),
    ("bbox=80,45,79,46", "bbox"),
    ("bbox=0,0,1,1", "bbox"),
    ("bbox=80,42,84,47&c=44,80&z=6", "bbox"),
    ("c=44.2,80.4", "z"),
    ("z=6", "c"),
    ("c=44.2&z=6", "c"),
    ("c=95,80&z=6", "c"),
    ("c=44.2,80.4&z=99", "z"),
    ("c=44.2,80.4&z=-1", "z"),
    ("off=No such layer", "off"),
    ("lang=fr", "lang"),
    ("format=gif", "format"),
    ("colour=red", "colour"),
    ("width=wide", "width"),
    ("width=100", "width"),
    ("width=", "width"),
    ("part=legend", "part"),
    ("part=sources&format=png", "format"),
    ("part=all&format=txt", "format"),
]


@pytest.mark.parametrize(("query", "parameter"), BAD)
def test_bad_parameters_get_400_naming_the_parameter(client, query, parameter):
    response = client.get(f"/figure?{query}")
    assert response.status_code == 400
    body = response.get_json()
    assert body["parameter"] == parameter
    assert "allowed" in body["description"]


@pytest.mark.parametrize(
    "query",
    [
        "bbox=79,43,79,43",  # a point: a view 1 km across
        "bbox=79,43,82,43",  # a line
        "bbox=-180,-90,180,90",  # the world: the part the metric CRS draws
        "bbox=129,69,130,70",  # nothing of the atlas in view
        "c=44.2,80.4&z=18",
        "c=0,0&z=0",
        "year=1918&off=Border%20line,Places,Migration,Incidents,Border-guard%20units,Customs%20offices%20and%20posts",
    ],
)
def test_odd_views_are_drawn_never_a_500(client, query):
    assert client.get(f"/figure?{query}&format=png").status_code == 200


def test_a_view_by_centre_and_zoom_is_drawn_and_cited(rendered):
    text = flat(svg_text(rendered("year=1925&c=44.2000,80.4000&z=8")))
    assert "map#year=1925&z=8&c=44.2000,80.4000" in text
    assert "4 km border zone" in text
    assert "21-verst" not in text, "the 21-verst trade zone ended in 1924"


def map_overlay_names(app) -> set[str]:
    """The overlay names of the map's layer control (as the `off=` of the map URL has them)."""
    with app.test_request_context():
        from webapp.store import get_store

        m = build_map(get_store())
    names, todo = set(), list(m._children.values())
    while todo:
        item = todo.pop()
        todo += list(item._children.values())
        if isinstance(item, folium.map.Layer) and item.control and item.overlay:
            names.add(item.layer_name)
    return names


def test_off_takes_every_layer_name_of_the_map(app, store):
    import html

    assert {html.unescape(n) for n in map_overlay_names(app)} == set(figure.overlay_names(store))


def test_layers_switched_off_are_absent_from_the_legend(rendered):
    everything = flat(svg_text(rendered(VIEW_1927)))
    off = "off=Incidents,22%20km%20border%20zone,Migration,Border-guard%20units"
    fewer = flat(svg_text(rendered(f"{VIEW_1927}&{off}")))
    for entry in ("Incident: Armed clash", "22 km border zone", "Migration: Emigration", "Unit: Border detachment"):
        assert entry in everything
        assert entry not in fewer
    assert "16 km border zone" in fewer and "Place: town" in fewer
    assert "Incident: area of possibility" not in fewer, "the areas of possibility go with their incidents"


def caption_text(data: bytes) -> str:
    """The text of the caption of an SVG figure (the group Matplotlib writes with its gid)."""
    root = ET.fromstring(data)
    group = root.find(".//{http://www.w3.org/2000/svg}g[@id='caption']")
    return flat(" ".join(" ".join(t.itertext()) for t in group.iter("{http://www.w3.org/2000/svg}text")))


def expected_features(store, view) -> dict[str, set[str]]:
    """The ids a view should draw, found another way: the store's own time filter, then the view in WGS84."""
    shown = to_lonlat(box(*view.extent).segmentize(1000))
    period = (date(view.years[0], 1, 1), date(view.years[1], 12, 31))
    ids = {}
    for cid in ("zones", "border", "places", "outposts", "customs", "incidents", "migration"):
        frame, _ = store.query(cid, period=period)
        frame = frame[frame.geometry.notna()]
        ids[cid] = set(frame[frame.intersects(shown)]["id"])
    return ids


@pytest.mark.parametrize("query", [VIEW_1927, "year=1935&bbox=79,44,81.5,46", "year=1930&off=Places"])
def test_the_bibliography_is_exactly_the_sources_of_the_features_drawn(app, store, rendered, query):
    with app.test_request_context(f"/figure?{query}"):
        from flask import request

        view = figure.parse_view(request.args, store)
    frames = figure.features(store, view)
    expected = expected_features(store, view)
    for cid in ("zones", "places", "incidents", "migration"):
        drawn = set(frames[cid]["id"]) if cid in frames else set()
        assert drawn == (set() if cid.capitalize() in query else expected[cid]), cid
    labels = {d: t["label"] for d, t in store.meta("texts").items()}
    cited = set()
    for frame in frames.values():
        for c in (c for s in frame["sources"] for c in s or []):
            label = labels[c["document"]]
            where = c["cited_as"].removeprefix(f"{label}, ") if c["cited_as"] != label else None
            source = c["reference"].split(", cited in ")[0] if ", cited in " in c["reference"] else None
            cited.add((label, where, source))
    assert bibliography_citations(rendered(f"{query}&part=sources&format=json")) == cited


def bibliography_citations(data: bytes) -> set[tuple[str, str | None, str | None]]:
    """(document, where in it, the source its note gives) of every citation a bibliography lists (its JSON);
    each document once, each place in it once."""
    documents = json.loads(data)["documents"]
    assert len({d["label"] for d in documents}) == len(documents), "a document is listed once"
    found = set()
    for doc in documents:
        assert len({c["where"] for c in doc["cited"]}) == len(doc["cited"]), "a note is listed once"
        for cited in doc["cited"]:
            found |= {(doc["label"], cited["where"], s and s.removesuffix(".")) for s in cited["sources"] or [None]}
    return found


def test_a_feature_not_drawn_is_not_in_the_bibliography(rendered):
    """The Ush-Bulak crossing of summer 1927 (note 44, cited by it alone) is in the 1927 bibliography, not 1930's."""
    reference = "f. 9, op. 1, d. 438, l. 76, Spetsial’nyi gosudarstvennyi arkhiv Komiteta"
    assert reference in rendered("year=1927&part=sources&format=txt").decode()
    assert reference not in rendered("year=1930&part=sources&format=txt").decode()


MM_PER_IN, PT_PER_IN = 25.4, 72


def figure_size_mm(data: bytes, fmt: str) -> tuple[float, float]:
    """(width, height) in mm of a figure's page: the PNG's pixels at its dpi, the PDF's MediaBox, the SVG's size."""
    if fmt == "png":
        image = Image.open(io.BytesIO(data))
        return tuple(n / dpi * MM_PER_IN for n, dpi in zip(image.size, image.info["dpi"], strict=True))
    if fmt == "pdf":
        box = PdfReader(io.BytesIO(data)).pages[0].mediabox
        return float(box.width) / PT_PER_IN * MM_PER_IN, float(box.height) / PT_PER_IN * MM_PER_IN
    root = ET.fromstring(data)
    return tuple(float(root.get(k).removesuffix("pt")) / PT_PER_IN * MM_PER_IN for k in ("width", "height"))


def map_box_mm(data: bytes) -> tuple[float, float, float, float]:
    """(left, top, width, height) in mm of the map's frame in an SVG figure (the axes the figure draws it in)."""
    group = ET.fromstring(data).find(f".//{SVG}g[@id='map']")
    outline = group.find(f".//{SVG}path").get("d")
    corners = [(float(x), float(y)) for x, y in re.findall(r"[ML] ([-\d.]+) ([-\d.]+)", outline)]
    xs, ys = [x for x, _ in corners], [y for _, y in corners]
    left, top = min(xs), min(ys)
    return tuple(v / PT_PER_IN * MM_PER_IN for v in (left, top, max(xs) - left, max(ys) - top))


PAGE_TEXT_HEIGHT_MM = 230  # a journal page's text block: a figure and its caption fit in it


@pytest.mark.parametrize(("width", "mm"), [("single", 84), ("double", 174), ("84", 84), ("174", 174), (None, 174)])
@pytest.mark.parametrize("fmt", ["png", "pdf", "svg"])
def test_a_figure_is_a_journal_column_wide_and_fits_a_page(rendered, width, mm, fmt):
    query = f"{VIEW_1927}&format={fmt}" + (f"&width={width}" if width else "")
    figure_w, figure_h = figure_size_mm(rendered(query), fmt)
    assert figure_w == pytest.approx(mm, abs=0.2)
    assert figure_h <= PAGE_TEXT_HEIGHT_MM, f"{figure_h:.0f} mm tall: more than a page"
    if fmt == "png":
        assert Image.open(io.BytesIO(rendered(query))).width == round(mm / MM_PER_IN * 300)


@pytest.mark.parametrize(("width", "share"), [("double", 0.6), ("single", 0.35)])
def test_the_map_fills_the_column_on_top_and_most_of_the_figure(rendered, width, share):
    data = rendered(f"{VIEW_1927}&width={width}")
    figure_w, figure_h = figure_size_mm(data, "svg")
    left, top, map_w, map_h = map_box_mm(data)
    assert top < 3 and left < 3 and map_w > figure_w - 6, "the map spans the column, at the top"
    assert map_w / map_h == pytest.approx(11 / 9, rel=0.01), "a map's aspect"
    assert map_h / figure_h > share, f"the map is {map_h:.0f} mm of a figure {figure_h:.0f} mm tall"


# The view a user walked at a column's width (Kazakh ASSR to Xinjiang, 1927–1932, flows off).
USER_VIEW = "year=1927-1932&bbox=72.9053,40.9716,88.2861,48.0120&off=Migration"


def caption_lines(data: bytes) -> list[str]:
    """The lines of the caption of an SVG figure (Matplotlib writes one <text> per line)."""
    group = ET.fromstring(data).find(f".//{SVG}g[@id='caption']")
    return [flat(" ".join(t.itertext())) for t in group.iter(f"{SVG}text")]


@pytest.mark.parametrize("query", ["year=1930", USER_VIEW, VIEW_1927])
def test_the_caption_is_short_and_cites_each_document_by_its_short_form_only(rendered, store, query):
    """What and when, the atlas and its release, the documents by author and year: four lines at double width,
    no note numbers (the notes are the bibliography's)."""
    lines = caption_lines(rendered(query))
    assert len(lines) <= 4, lines
    caption = " ".join(lines)
    assert caption.startswith("The Kazakh–Xinjiang border, ")
    assert CITE in caption and f"ata version {store.version}" in caption and "map#year=" in caption
    labels = [d["label"] for d in json.loads(rendered(f"{query}&part=sources&format=json"))["documents"]]
    assert "Ablazhey and Zhanbossinova 2026" in labels and "Shemetova 2020" in labels
    sources = "Sources: " + "; ".join(labels) + "; full references and notes in the figure's bibliography."
    assert caption.endswith(sources), caption
    assert not re.search(r"\b(notes?|n\.) ?\d|of the copy|\(text", caption), "no note numbers in the caption"
    assert "cited in" not in caption and "doi.org" not in caption, "full references go in the bibliography"
    assert not re.search(r"\b\d{3}_|\.txt|seed", caption), "documents by author and year, never by file"


@contextlib.contextmanager
def drawn_figure(app, store, query: str):
    """The Matplotlib figure of a view, drawn (its texts laid out), and its map's axes."""
    from flask import request

    with app.test_request_context(f"/figure?{query}"):
        view = figure.parse_view(request.args, store)
        view.url = figure.map_url(request.args, view)
        with figure.drawn(store, view) as fig:
            fig.canvas.draw()
            yield fig, next(ax for ax in fig.axes if ax.get_gid() == "map")


def extents(text, renderer) -> list:
    """A text's extent on the page and, if it stands on a box, the box's."""
    patch = text.get_bbox_patch()
    return [text.get_window_extent(renderer)] + ([patch.get_window_extent(renderer)] if patch else [])


def inside(extent, frame, slack: float = 0.5) -> bool:
    return (
        extent.x0 >= frame.x0 - slack
        and extent.y0 >= frame.y0 - slack
        and extent.x1 <= frame.x1 + slack
        and extent.y1 <= frame.y1 + slack
    )


@pytest.mark.parametrize("width", ["single", "double"])
def test_no_text_leaves_the_figure_and_no_label_crosses_the_map_frame(app, store, width):
    """The caption's URL wraps (at / or &) within the column; a place label that would cross the map's frame
    goes on the other side of its marker or is left out ("Altay D…", "Uru…" were cut)."""
    from matplotlib.text import Text

    with drawn_figure(app, store, f"{USER_VIEW}&width={width}&format=png") as (fig, ax):
        renderer = fig.canvas.get_renderer()
        texts = [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
        assert any("map#year=1927-1932" in t.get_text().replace("\n", "") for t in texts), "the caption's URL"
        labels = [t for t in ax.texts if t.get_gid() == "place-label"]
        assert len(labels) >= 8, "the view's places are labelled: the check would prove nothing"
        for text in texts:
            frame = ax.bbox if text.axes is ax else fig.bbox
            for extent in extents(text, renderer):
                assert inside(extent, frame), (text.get_text()[:60], extent, frame)


POINT_LAYERS = ("places", "outposts", "customs", "diplomacy", "incidents")


def marker_discs(fig, ax) -> list[tuple[float, float, float]]:
    """(x, y, radius) in pixels of every marker of the point layers (their scatter groups, by gid)."""
    discs = []
    for group in ax.collections:
        if (group.get_gid() or "").split("-")[0] in POINT_LAYERS:
            radius = group.get_sizes()[0] ** 0.5 / 2 * fig.dpi / 72
            discs += [(x, y, radius) for x, y in ax.transData.transform(group.get_offsets())]
    return discs


def distance_to(extent, x: float, y: float) -> float:
    """From a point to a box (0 inside it), in pixels."""
    dx = max(extent.x0 - x, 0, x - extent.x1)
    dy = max(extent.y0 - y, 0, y - extent.y1)
    return (dx * dx + dy * dy) ** 0.5


@pytest.mark.parametrize("width", ["single", "double"])
def test_labels_stand_beside_their_markers_above_every_marker_and_the_north_arrow_is_clear(app, store, width):
    """Jarkent, Urjar district, Zaysan: a label starts past the markers at its place, on top of any other, on a
    light box; the "N" stands on a white box where no marker is."""
    with drawn_figure(app, store, f"{USER_VIEW}&width={width}&format=png") as (fig, ax):
        renderer = fig.canvas.get_renderer()
        discs = marker_discs(fig, ax)
        top = max(g.get_zorder() for g in ax.collections if (g.get_gid() or "").split("-")[0] in POINT_LAYERS)
        labels = [t for t in ax.texts if t.get_gid() == "place-label"]
        assert {"Jarkent", "Zaysan"} <= {t.get_text() for t in labels}
        for label in labels:
            assert label.get_zorder() > top, label.get_text()
            assert label.get_bbox_patch() is not None, f"{label.get_text()}: no halo"
            x, y = ax.transData.transform(label.xy)
            own = max(r for dx, dy, r in discs if abs(dx - x) < 1 and abs(dy - y) < 1)
            assert distance_to(label.get_window_extent(renderer), x, y) >= own, f"{label.get_text()} under its marker"
        north = next(t for t in ax.texts if t.get_text() == "N")
        assert north.get_bbox_patch().get_facecolor()[:3] == (1.0, 1.0, 1.0), "the N stands on a white box"
        box = north.get_bbox_patch().get_window_extent(renderer)
        assert all(distance_to(box, x, y) > r for x, y, r in discs), "the N is printed over a marker"


def legend_entries(data: bytes) -> list[str]:
    group = next(g for g in ET.fromstring(data).iter(f"{SVG}g") if (g.get("id") or "").startswith("legend"))
    return [flat(" ".join(t.itertext())) for t in group.iter(f"{SVG}text")]


def test_the_legend_lists_no_flow_whose_arrow_misses_the_view(app, rendered, store):
    """Around Jarkent (a few km) flows of 1927–1932 are in the period, but no flow's line crosses the view."""
    from flask import request

    small = "year=1927-1932&bbox=79.9,44,80.3,44.3"
    with app.test_request_context(f"/figure?{small}"):
        shown = box(*figure.parse_view(request.args, store).extent)
    flows, _ = store.query("migration", period=(date(1927, 1, 1), date(1932, 12, 31)), display=True)
    metric = flows.to_crs(METRIC_CRS)
    assert metric.envelope.intersects(shown).any(), "no flow's extent covers the view: nothing to prove"
    assert not metric.intersects(shown).any()
    data = rendered(small)
    assert not [e for e in legend_entries(data) if e.startswith("Migration:")], legend_entries(data)
    assert "migration" not in caption_text(data), "nor does the caption say migration is shown"


def line_points(d: str) -> list[tuple[float, float]]:
    """The vertices of a flow's line as SVG writes it ("M x0 y0 L x1 y1 ...": the build's curve, as a polyline)."""
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", d)]
    return list(zip(numbers[0::2], numbers[1::2], strict=True))


def test_every_flow_in_the_legend_is_drawn_in_the_map(rendered):
    """Each kind of flow the legend lists has a line crossing the map's frame; the legend says the lines are
    schematic, and keys the range's band and the stopped crossing it draws (issue 27)."""
    data = rendered(VIEW_1927)
    left, top, width, height = (v / MM_PER_IN * PT_PER_IN for v in map_box_mm(data))
    entries = legend_entries(data)
    kinds = {f"Migration: {label}": kind for kind, label in KINDS.items()}
    listed = {kinds[e] for e in entries if e in kinds}
    assert listed, "no flow in the view: the check would prove nothing"
    seen = set()
    for group in ET.fromstring(data).iter(f"{SVG}g"):
        kind = (group.get("id") or "").removeprefix("migration-")
        if kind in KINDS:
            points = [p for path in group.iter(f"{SVG}path") for p in line_points(path.get("d") or "")]
            if any(left <= x <= left + width and top <= y <= top + height for x, y in points):
                seen.add(kind)
    assert seen == listed, (seen, listed)
    assert "Migration: areas; lines schematic" in entries
    assert {"Migration: 'at least' (broken band)", "Migration: stopped at the border"} <= set(entries)


@pytest.mark.parametrize(
    ("query", "labels", "keys"),
    [
        ("year=1931", ["at least 400,000 people (286,000 households) (split not given)"],
         {"Migration: households (dashed)", "Migration: total not split (thin)"}),
        ("year=1938", ["Kazakhs: about 350,000 people", "Russians: 15,000–20,000 people"],
         {"Migration: area of a stock"}),
    ],
)  # fmt: skip
def test_a_figure_writes_the_figures_of_totals_and_stocks_inside_its_frame(rendered, query, labels, keys):
    """The origin of 1931's totals lies west of the frame and Xinjiang's middle south-east of it: their figures were
    cut off, or written under the map over the legend (new-user walk of issue 27); the keys said 'dots'."""
    data = rendered(f"{query}&format=svg")
    left, top, width, height = (v / MM_PER_IN * PT_PER_IN for v in map_box_mm(data))
    found = {}
    for group in (g for g in ET.fromstring(data).iter(f"{SVG}g") if g.get("id") == "flow-label"):
        paths = group.iter(f"{SVG}path")
        found[flat("".join(group.itertext()))] = [p for d in paths for p in line_points(d.get("d") or "")]
    for label in labels:
        box = next((points for text, points in found.items() if label in text), None)
        assert box, (label, list(found))
        assert all(left <= x <= left + width and top <= y <= top + height for x, y in box), label
    assert keys <= set(legend_entries(data))


def test_the_legend_lists_no_type_all_of_whose_markers_lie_under_others(app, store, rendered):
    """In the user's view the province of Jetisu is drawn at Alma-Ata, under the border district's triangle, and the
    aul of Dandybaeva under the villages at Bakhty: neither type shows, so neither is in the legend."""
    with app.test_request_context(f"/figure?{USER_VIEW}"):
        from flask import request

        places = figure.features(store, figure.parse_view(request.args, store))["places"]
    assert {"province", "aul"} <= set(places["feature_type"]), "the hidden types are in the view: else nothing to prove"
    entries = legend_entries(rendered(USER_VIEW))
    assert "Place: province" not in entries and "Place: aul" not in entries
    assert {"Place: town", "Unit: Border district", "Incident: Detention"} <= set(entries)


def test_the_bibliography_gives_each_document_once_then_its_notes_by_number(rendered, store):
    text = rendered("year=1930&part=sources&format=txt").decode()
    article = store.meta("texts")["ablazhey-zhanbossinova-2026"]
    assert text.count(article["reference"]) == 1
    block = text.split(f"\n{article['label']}\n", 1)[1].split("\n\n", 1)[0]
    notes = [int(n) for n in re.findall(r"^  - n\. (\d+):", block, re.M)]
    assert notes == sorted(notes) and {21, 31, 46} <= set(notes)
    full = "f. 9, op. 1, d. 438, l. 75, Spetsial’nyi gosudarstvennyi arkhiv Komiteta natsional’noi bezopasnosti"
    assert re.search(rf"^  - n\. 46: {re.escape(full)} Respubliki Kazakhstan \(SGA KNB RK\)\.$", block, re.M)
    assert "cited in" not in text and "003_" not in text


def note_table(document: str) -> dict[str, dict]:
    """A document's notes as the copy the atlas holds gives them (data/texts/*.notes.yaml), by key."""
    path = Path(__file__).resolve().parents[2] / "data" / "texts" / f"{document}.notes.yaml"
    return {str(n["note"]): n for n in yaml.safe_load(path.read_text(encoding="utf-8"))["notes"]}


@pytest.mark.parametrize("query", [USER_VIEW, "year=1918-1940"])
def test_no_note_of_the_bibliography_is_printed_empty(rendered, query):
    """A note that gives no file or publication says what the document's note says, or, if the copy the atlas
    holds has lost the note (Shemetova 2020's page 2), says so; never "n. 1 (p. 2 of the copy)" alone."""
    text = rendered(f"{query}&part=sources&format=txt").decode()
    notes = re.findall(r"^  - (n\. .*)$", text, re.M)
    assert notes and all(re.match(r"n\. [^:]+: \S", note) for note in notes), [n for n in notes if ": " not in n]
    copy = note_table("shemetova-2020")
    block = text.split("\nShemetova 2020\n", 1)[1].split("\n\n", 1)[0]
    cited = re.findall(r"^  - n\. (\d+) \(p\. (\d+) of the copy\): (.*)$", block, re.M)
    assert {f"{p}.{n}" for n, p, _ in cited} - set(copy), "every cited note is in the copy: nothing to prove"
    for number, page, says in cited:
        lost = says == "the note's text is not in the copy the atlas holds."
        assert lost == (f"{page}.{number}" not in copy), (number, page, says)


def test_a_note_that_explains_says_what_it_explains(rendered):
    """Note 29 of Ablazhey and Zhanbossinova 2026 cites nothing: it explains Alma-Ata's uezd and province."""
    explained = note_table("ablazhey-zhanbossinova-2026")["29"]
    assert not [r for r in explained["refs"] if r["type"] != "explanatory"], "n. 29 gives a source: nothing to prove"
    assert f"  - n. 29: “{explained['text']}”\n" in rendered(f"{USER_VIEW}&part=sources&format=txt").decode()
    page = rendered(f"{USER_VIEW}&part=sources").decode()
    assert '<span class="where">n. 29</span>: <span class="says">“Within the framework of' in page
    (cited,) = [c for d in json.loads(rendered(f"{USER_VIEW}&part=sources&format=json"))["documents"]
                for c in d["cited"] if c["where"] == "n. 29"]  # fmt: skip
    assert cited["sources"] == [] and cited["says"] == f"“{explained['text']}”"


def test_the_bibliography_as_a_page(client):
    response = client.get("/figure?year=1930&part=sources")
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.data.decode()
    assert page.count("<h2>Ablazhey and Zhanbossinova 2026</h2>") == 1
    assert '<span class="where">n. 46</span>: <span class="ref">f. 9, op. 1, d. 438, l. 75,' in page


def test_the_zip_holds_the_figure_and_its_bibliography(client, rendered):
    response = client.get("/figure?year=1930&part=all&format=pdf&width=single")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="border-atlas-1930.zip"; ')
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert sorted(archive.namelist()) == ["border-atlas-1930-sources.txt", "border-atlas-1930.pdf"]
    assert figure_size_mm(archive.read("border-atlas-1930.pdf"), "pdf")[0] == pytest.approx(84, abs=0.2)
    assert archive.read("border-atlas-1930-sources.txt") == rendered("year=1930&part=sources&format=txt")


def test_a_bad_width_names_the_value_and_the_widths_allowed(client):
    body = client.get("/figure?width=wide").get_json()
    assert body["parameter"] == "width" and "'wide'" in body["description"]
    assert "single (84 mm)" in body["description"] and "double (174 mm)" in body["description"]


def test_the_scale_bar_labels_stand_on_a_white_box(rendered):
    """Over the zones' hatching the labels "0" and "200 km" are readable: each is drawn on a white box."""
    labels = ET.fromstring(rendered(VIEW_1927)).findall(f".//{SVG}g[@id='scale-label']")
    assert [flat(" ".join(g.itertext())) for g in labels] == ["0", "200 km"]
    for group in labels:
        box = group.find(f".//{SVG}path")
        assert box is not None, "no box behind the label"
        assert "fill: #ffffff" in box.get("style") and "opacity: 0.85" in box.get("style")


def test_scale_bar_length_is_round():
    assert figure.nice_length(1234) == 1000
    assert figure.nice_length(270_000) == 200_000
    assert figure.nice_length(49) == 20


def test_north_points_to_higher_latitude():
    """At the central meridian north is straight up; west of it the meridians lean to the right (east)."""
    centre = to_metric(Point(83.5, 45.5))
    assert abs(figure.north_angle(centre.x, centre.y)) < 1e-6
    west = to_metric(Point(76.0, 43.0))
    assert figure.north_angle(west.x, west.y) > 0.05


def marker_shapes(data: bytes) -> dict[str, set[str]]:
    """{group id: the shapes of its markers} for the point groups of an SVG figure (one group per layer and type).

    Matplotlib writes each marker's outline once, in <defs>, and places it with <use>: a circle is drawn with
    curves, a triangle and a square with three and four straight sides.
    """
    root = ET.fromstring(data)
    outlines = {p.get("id"): p.get("d") for p in root.iter(f"{SVG}path") if p.get("id")}
    shapes = {}
    for group in root.iter(f"{SVG}g"):
        uses = [u.get(f"{XLINK}href", "").lstrip("#") for u in group.iter(f"{SVG}use")]
        if group.get("id", "").split("-")[0] in ("places", "outposts", "customs", "incidents") and uses:
            shapes[group.get("id")] = {shape_of(outlines[u]) for u in uses}
    return shapes


def shape_of(outline: str) -> str:
    if "C" in outline:
        return "circle"
    return {3: "triangle", 4: "square"}.get(outline.count("L") + 1, "other")


def test_units_and_customs_posts_are_drawn_with_their_own_shapes(rendered):
    """Greyscale tells the layers apart: places are circles, units triangles, customs posts squares."""
    shapes = marker_shapes(rendered(VIEW_1927))
    expected = {"places": {"circle"}, "outposts": {"triangle"}, "customs": {"square"}}
    for layer, shape in expected.items():
        groups = {gid: s for gid, s in shapes.items() if gid.startswith(f"{layer}-")}
        assert groups, f"no {layer} drawn in the view: the check would prove nothing"
        assert all(s == shape for s in groups.values()), (layer, groups)
    assert shapes["incidents-crossing"] == {"triangle"} and shapes["incidents-armed_clash"] == {"other"}


def test_the_shape_check_can_fail():
    """A unit drawn as a circle (as before the vocabulary) is seen as one."""
    circle = "M 0 2.375 C 0.63 2.375 1.23 2.12 1.68 1.68 z"
    assert shape_of(circle) == "circle" and shape_of("M 0 -3.8 L -3.8 3.8 L 3.8 3.8 z") == "triangle"


def test_the_api_document_gives_the_figures_parameters(client):
    from webapp.figure.view import ALLOWED

    parameters = client.get("/api").get_json()["paths"]["/figure"]["get"]["parameters"]
    assert {p["name"] for p in parameters} == ALLOWED
    width = next(p for p in parameters if p["name"] == "width")
    assert width["schema"]["enum"] == ["single", "double", "84", "174"] and width["schema"]["default"] == "double"


def test_the_bibliography_page_shows_hostile_text_as_text(hostile_store):
    from webapp import create_app

    client = create_app({"STORE": hostile_store, "TESTING": True}).test_client()
    page = client.get("/figure?year=1918-1940&part=sources").data.decode()
    body = page.split("<main>", 1)[1]
    assert "&lt;img src=x onerror=window.__xss" in body, "no payload reached the page: the check proves nothing"
    assert "<img" not in body and "<script" not in body and "<svg" not in body


@pytest.mark.parametrize(("query", "fragment"), [("year=1931&lang=name_ru", "&lang=name_ru"), ("year=1931", "")])
def test_the_figure_cites_the_map_view_with_its_label_language(app, store, query, fragment):
    from flask import request

    with app.test_request_context(f"/figure?{query}"):
        url = figure.map_url(request.args, figure.parse_view(request.args, store))
    assert "#year=1931&" in url and ("lang=" in url) == bool(fragment) and url.endswith(fragment), url
