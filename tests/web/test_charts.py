"""The charts page: figures as the sources give them, bars in proportion, sources under each chart."""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from xml.etree import ElementTree

import pytest
import yaml
from markupsafe import escape

from layers.dates import parse_partial, year_counts
from tests.conftest import CHART_PAYLOAD, SOURCES
from webapp import create_app
from webapp.charts import round_axis
from webapp.vocabulary import CHART_TOTALS as TOTALS

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def charts(app):
    return {c["id"]: c for c in app.test_client().get("/charts?f=json").get_json()["charts"]}


@pytest.fixture(scope="module")
def page(app):
    response = app.test_client().get("/charts?f=html")
    assert response.status_code == 200
    return response.data.decode()


def _sources_yaml(name: str):
    return yaml.safe_load((SOURCES / name).read_text(encoding="utf-8"))


def _svgs(page: str, chart_id: str) -> list[ElementTree.Element]:
    section = re.search(rf'<section class="chart" id="{chart_id}">(.*?)</section>', page, re.S).group(1)
    return [ElementTree.fromstring(svg) for svg in re.findall(r"<svg .*?</svg>", section, re.S)]


def test_reported_totals_are_the_yearly_statistics(charts):
    expected = defaultdict(dict)
    for row in _sources_yaml("statistics.yaml")["statistics"]:
        if row["measure"] in TOTALS and "year" in row:
            expected[TOTALS[row["measure"]][0]][row["year"]] = row["value"]["best"]
    drawn = {s["label"]: {p["year"]: p["best"] for p in s["points"]} for s in charts["totals"]["series"]}
    assert drawn == dict(expected)
    assert all(s["sources"] and s["sources"][0]["note"] for s in charts["totals"]["series"])


def test_incident_counts_are_summed_by_year_from_the_incidents(charts):
    sums: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for incident in _sources_yaml("incidents.yaml")["incidents"]:
        first, last = parse_partial(incident["start"])[0], parse_partial(incident["end"])[1]
        for kind in ("detained", "killed"):
            value = (incident.get("counts") or {}).get(kind)
            if value and first.year == last.year:
                sums[kind.capitalize()][first.year] += value["best"] if value["best"] is not None else value["low"]
    drawn = {s["label"]: {p["year"]: p["best"] for p in s["points"]} for s in charts["incident-counts"]["series"]}
    assert drawn == {k: dict(v) for k, v in sums.items()}
    assert drawn["Detained"], "the incidents give detentions"


def test_bars_are_in_proportion_to_their_figures(page):
    for chart_id in ("totals", "incident-counts", "features"):
        (svg,) = _svgs(page, chart_id)
        bars = [r for r in svg.iter(f"{SVG}rect") if r.get("class") == "bar"]
        assert bars, chart_id
        ratios = {round(float(r.get("height")) / float(r.get("data-value")), 2) for r in bars}
        assert len(ratios) == 1, f"{chart_id}: bar heights not proportional to values: {ratios}"


def test_migration_bars_keep_each_authoritys_figure_and_its_uncertainty(charts, page):
    migration = charts["migration"]
    households = {b["label"]: b for b in migration["panels"][1]["bars"]}
    ogpu = next(b for b in households.values() if b["authority"] == "OGPU")
    assert ogpu["text"] == "at least 40,000" and ogpu["open"]
    assert any(b["text"] == "about 83,000" for b in households.values())
    people = [b["text"] for b in migration["panels"][0]["bars"]]
    assert "150,000–160,000" in people, "the 1916 range stays a range"
    flows = _sources_yaml("migration.yaml")["flows"]
    figured = [f for f in flows if f.get("people") or f.get("households")]
    drawn = sum(len(p["bars"]) for p in migration["panels"])
    assert drawn == sum(bool(f.get("people")) + bool(f.get("households")) for f in figured)
    assert len(migration["without_figure"]) == len(flows) - len(figured)
    svg_people, svg_households = _svgs(page, "migration")
    assert len([r for r in svg_households.iter(f"{SVG}rect")]) == len(households)
    assert any(line.get("marker-end") for line in svg_households.iter(f"{SVG}line")), "'at least' drawn as an arrow"
    assert any("whisker" in (line.get("class") or "") for line in svg_people.iter(f"{SVG}line")), "a range whisker"


def test_every_chart_has_its_sources_under_it(page, charts):
    for chart_id, chart in charts.items():
        if chart_id == "features":
            continue  # counts of the layers, each feature with its own sources
        section = re.search(rf'<section class="chart" id="{chart_id}">(.*?)</section>', page, re.S).group(1)
        assert "<h3>Sources</h3>" in section
        for citation in chart["sources"]:
            assert str(escape(citation["reference"])) in section


def test_features_per_year_match_the_layers(charts, client):
    incidents = client.get("/collections/incidents/items?limit=1000").get_json()["features"]
    periods = [(f["properties"]["start"], f["properties"]["end"]) for f in incidents]
    counts, _ = year_counts(periods, (1918, 1940))
    series = next(s for s in charts["features"]["series"] if s["label"] == "Incidents")
    assert {p["year"]: p["best"] for p in series["points"]} == {1918 + i: n for i, n in enumerate(counts) if n}


@pytest.mark.parametrize(
    ("top", "maximum", "step"),
    [(3631, 4000, 1000), (400000, 400000, 100000), (420000, 500000, 100000), (15, 20, 5), (1, 1, 0.2)],
)
def test_axis_is_round(top, maximum, step):
    axis = round_axis(top)
    assert axis["max"] == maximum and axis["ticks"][1] == pytest.approx(step) and axis["max"] >= top


def test_chart_texts_from_data_are_escaped(hostile_store):
    client = create_app({"STORE": hostile_store, "TESTING": True}).test_client()
    html = client.get("/charts?f=html").data.decode()
    assert CHART_PAYLOAD not in html and "<script>window.__xss" not in html
    assert "&lt;script&gt;window.__xss=8&lt;/script&gt;" in html


def test_unknown_parameter_is_refused(client):
    response = client.get("/charts?colour=red")
    assert response.status_code == 400 and "colour" in response.get_json()["description"]


def _axis_years(page: str, chart_id: str) -> list[int]:
    (svg,) = _svgs(page, chart_id)
    axis = next(g for g in svg.iter(f"{SVG}g") if g.get("class") == "axis")
    return [int(t.text) for t in axis.iter(f"{SVG}text") if re.fullmatch(r"1[89]\d\d", t.text or "")]


@pytest.mark.parametrize("chart_id", ["totals", "incident-counts", "features"])
def test_a_year_axis_spans_the_years_with_data(page, charts, chart_id):
    """Not 1918–1940 for figures of a single year: the years with data, a year either side, at least five."""
    years = {p["year"] for s in charts[chart_id]["series"] for p in s["points"]}
    labelled = _axis_years(page, chart_id)
    first, last = min(labelled), max(labelled)
    assert first <= min(years) and max(years) <= last, "every year with data is on the axis"
    assert last - first + 1 <= max(5, max(years) - min(years) + 3), (labelled, sorted(years))
    (svg,) = _svgs(page, chart_id)
    width = float(svg.get("width"))
    for bar in (r for r in svg.iter(f"{SVG}rect") if r.get("class") == "bar"):
        assert 0 < float(bar.get("x")) and float(bar.get("x")) + float(bar.get("width")) <= width


def test_the_totals_of_1930_alone_are_not_drawn_on_1918_to_1940(page, charts):
    years = {p["year"] for s in charts["totals"]["series"] for p in s["points"]}
    assert years == {1930}, "the statistics give totals for 1930 only: the check below would prove nothing"
    assert 1918 not in _axis_years(page, "totals") and 1940 not in _axis_years(page, "totals")


def test_every_migration_row_says_whom_it_counts(charts):
    """Two stocks "Present in Xinjiang" in 1937–1939 were Kazakhs and Russians: each row names them, as the data do."""
    flows = _sources_yaml("migration.yaml")["flows"]
    for panel in charts["migration"]["panels"]:
        labels = [b["label"] for b in panel["bars"]]
        assert len(set(labels)) == len(labels), f"{panel['unit']}: rows that read alike {labels}"
    labels = [b["label"] for p in charts["migration"]["panels"] for b in p["bars"]]
    for flow in flows:
        if flow["kind"] == "presence":
            assert flow.get("who"), f"{flow['id']}: a stock that does not say whom it counts"
        if flow.get("who") and (flow.get("people") or flow.get("households")):
            assert any(flow["who"] in label for label in labels), (flow["id"], flow["who"])
    late = [label for label in labels if label.startswith("1937–1939")]
    assert late == ["1937–1939 · Kazakhs present in Xinjiang", "1937–1939 · Russians present in Xinjiang"]


def _bars(charts) -> list[dict]:
    return [b for p in charts["migration"]["panels"] for b in p["bars"]]


def test_migration_rows_say_their_dates_in_words(charts):
    """ "11–12 February 1931", not "1931-02-11–1931-02-12"; years stay years ("1930–1933")."""
    labels = [b["label"] for b in _bars(charts)]
    assert not [label for label in labels if re.search(r"\d{4}-\d\d", label)], labels
    zaysan = [label for label in labels if "Zaysan district" in label]
    assert len(zaysan) == 1 and re.fullmatch(
        r"[A-Za-z0-9 –]+ 1931 · Emigration: Zaysan district → China", zaysan[0].replace(" (stopped at the border)", "")
    ), zaysan
    assert any(label.startswith("1930–1933 · ") for label in labels)


def test_incident_counts_say_incident_or_incidents(charts):
    notes = [p["note"] for s in charts["incident-counts"]["series"] for p in s["points"]]
    assert "1 incident" in notes and any(re.fullmatch(r"[2-9] incidents", n) for n in notes), notes
    assert all(re.fullmatch(r"1 incident|\d+ incidents", n) for n in notes), notes


BOUND = re.compile(r"\b(over|more than|no less than|at least|exceeded)\b", re.I)
ABOUT = re.compile(r"\b(about|approximately|around|some)\b", re.I)


def test_a_figure_reads_as_its_source_says_it(charts):
    """ "Over 400,000 people" is "at least 400,000", never "at least about 400,000": a row says "about" and "at
    least" together only where the passage it quotes says both."""
    texts = {b["text"] for b in _bars(charts)}
    assert "at least 400,000" in texts and "at least 40,000" in texts
    for flow in _sources_yaml("migration.yaml")["flows"]:
        quote = " ".join(c["quote"] for c in flow["sources"])
        for unit in ("people", "households"):
            value = flow.get(unit) or {}
            open_ended = value.get("low") is not None and value.get("high") is None and value.get("best") is None
            if open_ended and value.get("approximate"):
                assert BOUND.search(quote) and ABOUT.search(quote), (flow["id"], unit, quote)
    assert not [t for t in texts if "at least about" in t], texts


def test_migration_labels_are_never_cut(page, charts):
    """Every row's label is all there, in lines the label column holds ("Siberia, Volga regi…" was cut)."""
    from webapp.charts import LABEL_CHARS

    for svg, panel in zip(_svgs(page, "migration"), charts["migration"]["panels"], strict=True):
        shown = [" ".join(t.itertext()) for t in svg.iter(f"{SVG}text") if t.get("class") == "label"]
        assert shown == [b["label"] for b in panel["bars"]], "a label cut or missing"
        lines = [t.text for t in svg.iter(f"{SVG}tspan")]
        assert max(len(line) for line in lines) <= LABEL_CHARS and "…" not in "".join(lines)
        assert len(lines) > len(shown), "some label is long enough to need two lines: the check proves something"


def test_every_count_axis_has_a_title(page):
    expected = {"totals": ["People"], "incident-counts": ["People"], "features": ["Features"]}
    expected["migration"] = ["People", "Households"]
    for chart_id, titles in expected.items():
        found = [
            t.text for svg in _svgs(page, chart_id) for t in svg.iter(f"{SVG}text") if t.get("class") == "axis-title"
        ]
        assert found == titles, (chart_id, found)


def test_migration_by_year_and_direction(charts, page):
    """Issue 27: people and households in panels of their own, a bar over the years each figure covers (one bar for
    1930–1933, never split), a range as a whisker, 'at least' as an arrow, coloured by direction."""
    chart = charts["migration-years"]
    panels = {p["unit"]: {r["id"]: r for r in p["rows"]} for p in chart["panels"]}
    assert set(panels) == {"People", "Households"}
    assert panels["People"]["emigration-1930-1933"]["text"] == "at least 400,000 people"
    assert panels["Households"]["emigration-1930-1933"]["text"] == "286,000 households"
    assert panels["Households"]["zaysan-households-1931-02"]["direction"] == "Out of the USSR"
    assert {d["label"] for d in chart["directions"]} >= {"Out of the USSR", "Present abroad (a stock)"}
    people_svg, households_svg = _svgs(page, "migration-years")
    flows = {g.get("data-id"): g for g in people_svg.iter(f"{SVG}g") if g.get("class") == "flow"}
    assert set(flows) == set(panels["People"])
    years = _year_ticks(households_svg)
    in_households = {g.get("data-id"): g for g in households_svg.iter(f"{SVG}g") if g.get("class") == "flow"}
    total = {line.get("class"): line for line in in_households["emigration-1930-1933"].iter(f"{SVG}line")}
    x1, x2 = float(total["period"].get("x1")), float(total["period"].get("x2"))
    assert x1 < years[1930] and years[1933] < x2 < years[1934], "one bar over the four years"
    people_total = {line.get("class"): line for line in flows["emigration-1930-1933"].iter(f"{SVG}line")}
    assert people_total["whisker open"].get("marker-end"), "'at least 400,000' drawn as an arrow upwards"
    late = {line.get("class"): line for line in flows["russians-in-xinjiang-late-1930s"].iter(f"{SVG}line")}
    assert float(late["whisker"].get("y1")) > float(late["whisker"].get("y2")), "15,000–20,000 as a whisker"
    households = [g.get("data-id") for g in households_svg.iter(f"{SVG}g") if g.get("class") == "flow"]
    assert sorted(households) == sorted(panels["Households"])


def _year_ticks(svg) -> dict[int, float]:
    texts = svg.iter(f"{SVG}text")
    return {int(t.text): float(t.get("x")) for t in texts if (t.text or "").isdigit() and len(t.text) == 4}


def test_migration_years_are_legible_and_each_bar_says_its_figure(page, charts):
    """Years 1913–1940 on 700 pixels ran together; a bar carried no figure (new-user walk)."""
    for panel, svg in zip(charts["migration-years"]["panels"], _svgs(page, "migration-years"), strict=True):
        xs = sorted(_year_ticks(svg).values())
        assert len(xs) >= 4 and min(b - a for a, b in itertools.pairwise(xs)) >= 30, panel["unit"]
        for g in (g for g in svg.iter(f"{SVG}g") if g.get("class") == "flow"):
            figure = [t.text for t in g.iter(f"{SVG}text") if t.get("class") == "figure"]
            row = next(r for r in panel["rows"] if r["id"] == g.get("data-id"))
            assert figure == [row["figure"]] and row["text"].startswith(row["figure"]), row["id"]


def test_the_migration_popups_link_the_chart_by_year(client):
    page = client.get("/map").data.decode()
    assert '"migrationChartUrl": "/charts#migration-years"' in page
