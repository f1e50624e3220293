"""data/sources/zones.yaml: the regime of seed 003, and the build's handling of a malformed file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from layers import DataError
from layers.build import REFERENCE, SOURCES
from layers.zones import act_order, read_regime
from pipeline.build import main

# The acts DESIGN.md lists (date prefixes), each of which must be in zones.yaml.
DESIGN_ACTS = [
    "1918-05-28", "1921-07-10", "1922-01-24", "1922", "1923-03-28", "1923-09-07", "1924", "1924-03-24",
    "1925", "1927-06-15", "1927-12-20", "1929-03-15", "1929", "1932", "1933", "1935", "1940",
]  # fmt: skip


@pytest.fixture(scope="module")
def regime():
    return read_regime(SOURCES)


def _acts(regime, date_prefix):
    return [a for a in regime.acts if str(a["date"]).startswith(date_prefix)]


@pytest.mark.parametrize("date", DESIGN_ACTS)
def test_every_design_act_is_there(regime, date):
    assert _acts(regime, date), f"no act dated {date}"


def test_every_depth_of_the_sources(regime):
    depths = {(z["depth"]["value"], z["depth"]["unit"]) for z in regime.zones}
    assert depths == {
        (4, "m"),
        (500, "m"),
        (4, "km"),
        (7.5, "km"),
        (16, "km"),
        (21, "verst"),
        (22, "km"),
        (50, "km"),
        (100, "km"),
    }


def _rules(regime, date, zone, category):
    return [r for a in _acts(regime, date) for r in a["rules"] if zone in r["zones"] and r["category"] == category]


@pytest.mark.parametrize(
    ("date", "zone", "category", "effect"),
    [
        ("1927-06-15", "zone-7-5-km", "entry", "restricts"),  # permits needed for the 7.5 km zone
        ("1927-06-15", "zone-22-km", "entry", "restricts"),  # ... and the 22 km zone
        ("1927-12-20", "strip-4-m", "economic_activity", "restricts"),
        ("1927-12-20", "strip-500-m", "economic_activity", "restricts"),
        ("1924", "zone-50-km", "trade", "permits"),
        ("1924", "zone-50-km", "currency", "permits"),
        ("None", "zone-100-km", "gold", "restricts"),  # the gold rule: undated
        ("1922", "zone-21-verst", "trade", "restricts"),
    ],
)
def test_key_rules(regime, date, zone, category, effect):
    rules = _rules(regime, date, zone, category)
    assert rules and all(r["effect"] == effect for r in rules)


def test_every_rule_category_of_the_issue_is_covered(regime):
    categories = {r["category"] for a in regime.acts for r in a["rules"]}
    assert {"entry", "residence", "economic_activity", "trade", "currency", "gold"} <= categories


def test_acts_come_in_the_order_of_the_earliest_day_each_can_mean(regime):
    """1932: "In 1932" (from 1 January), then 25 April, then "the autumn of 1932" (from 1 September)."""
    general = [a["date_text"] for a in regime.general_acts if str(a["date"]).startswith("1932")]
    assert general == ["In 1932", "April 25, 1932", "the autumn of 1932"]
    assert regime.acts == sorted(regime.acts, key=act_order)


@pytest.mark.parametrize(
    ("acts", "expected"),
    [
        ([("1925", "season", "the summer of 1925"), ("1925-05-01", "day", "May 1, 1925")], ["May", "the summer"]),
        ([("1925-07", "season", "the summer of 1925"), ("1925-06-15", "day", "June 15")], ["June", "the summer"]),
        ([("1925", "season", "the winter of 1925"), ("1925-01-02", "day", "January 2")], ["the winter", "January"]),
        ([("1935", "year", "In 1935"), ("1935", "year", "By 1935")], ["By 1935", "In 1935"]),  # ties by text
    ],
)
def test_a_season_is_ordered_from_its_first_month_and_ties_by_text(acts, expected):
    records = [{"date": d, "date_precision": p, "date_text": t, "title": t} for d, p, t in acts]
    ordered = [a["date_text"] for a in sorted(records, key=act_order)]
    assert [next(e for e in expected if t.startswith(e)) for t in ordered] == expected


def test_an_act_the_source_does_not_date_has_no_date_text_and_every_body_is_said_in_words(regime):
    """The gold rule has no date of its own in the source: no date, no date text, its note saying why, and it comes
    last; an act whose issuing body the source does not name says so in words that stand before its title."""
    (gold,) = [a for a in regime.acts if any(r["category"] == "gold" for r in a["rules"])]
    assert gold.get("date_text") is None and "no date of its own" in gold["date_note"]
    assert (gold["date"], gold["date_precision"]) == (None, None) and regime.acts[-1] is gold
    for act in regime.acts:
        assert not act["body"].startswith("not named"), act["id"]
        assert not (act.get("date_text") or "").startswith("not dated"), act["id"]


ZONE = """# zones.yaml made by the test
zones:
  - id: zone-x
    name: X zone
{body}
acts: []
"""


@pytest.mark.parametrize(
    ("body", "line", "reason"),
    [
        ("    start: '1923'\n    end: null\n    date_precision: year\n", 3, r"missing field\(s\) \['depth'\]"),
        (
            "    depth: {value: 4, unit: km}\n    start: '1927'\n    end: '1923'\n    date_precision: year\n",
            3,
            "end 1923 is before start 1927",
        ),
        (
            "    depth: {value: 4, unit: km}\n    start: '1923'\n    end: null\n"
            "    date_precision: year\n    colour: red\n",
            3,
            r"unknown field\(s\) \['colour'\]",
        ),
        (
            "    depth: {value: 4, unit: league}\n    start: '1923'\n    end: null\n    date_precision: year\n",
            3,
            "depth unit 'league'",
        ),
        (
            "    depth: {value: 4, unit: km}\n    start: 'soon'\n    end: null\n    date_precision: year\n",
            3,
            "'soon' is not an ISO 8601 date",
        ),
        (  # an undated zone says why
            "    depth: {value: 4, unit: km}\n    start: null\n    end: null\n    date_precision: null\n",
            3,
            r"start is null \(undated\): date_precision must be null too, and `start_note` must say why",
        ),
        (  # and has no precision of a date it does not have
            "    depth: {value: 4, unit: km}\n    start: null\n    end: null\n    date_precision: year\n"
            "    start_note: undated\n",
            3,
            r"start is null \(undated\): date_precision must be null too",
        ),
    ],
)
def test_malformed_zone_names_file_line_and_reason(tmp_path, body, line, reason):
    (tmp_path / "zones.yaml").write_text(ZONE.format(body=body), encoding="utf-8")
    with pytest.raises(DataError, match=reason) as info:
        read_regime(tmp_path)
    assert info.value.path.endswith("zones.yaml") and info.value.line == line and info.value.entry == "zone-x"
    assert str(info.value).startswith(f"{tmp_path / 'zones.yaml'}:{line}: entry 'zone-x':")


def test_an_act_citing_an_unknown_zone_is_refused(tmp_path):
    text = (
        (SOURCES / "zones.yaml").read_text(encoding="utf-8").replace("zones: [zone-100-km]", "zones: [zone-99-km]", 1)
    )
    (tmp_path / "zones.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=r"act-gold-100-km.*unknown zone id\(s\) \['zone-99-km'\]"):
        read_regime(tmp_path)


def test_yaml_syntax_error_names_the_line(tmp_path):
    (tmp_path / "zones.yaml").write_text("zones: [\n  - id: a\nacts: {\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"zones.yaml:\d+: not valid YAML"):
        read_regime(tmp_path)


def test_a_failed_build_leaves_the_built_store_in_place(tmp_path, capsys, built):
    store = tmp_path / "atlas.gpkg"
    shutil.copy(built[0], store)
    before = store.read_bytes()
    bad = tmp_path / "sources"
    shutil.copytree(SOURCES, bad)
    text = (bad / "zones.yaml").read_text(encoding="utf-8").replace('start: "1922"', 'start: "1941"', 1)
    (bad / "zones.yaml").write_text(text, encoding="utf-8")
    assert main(["--sources", str(bad), "--reference", str(REFERENCE), "--out", str(store)]) == 1
    err = capsys.readouterr().err
    assert "zones.yaml:" in err and "zone-21-verst" in err and "end 1924 is before start 1941" in err
    assert store.read_bytes() == before
    assert not list(Path(tmp_path).glob(".*tmp*")), "no temporary file is left behind"


@pytest.mark.parametrize(
    "act_id",
    ["act-1927-06-28-entry-instruction", "act-1922-criminal-code", "act-1926-criminal-code-art-84",
     "act-1922-criminal-code-art-97"],
)  # fmt: skip
def test_an_act_whose_body_the_source_does_not_name_names_none(regime, act_id):
    """Issue 27: the instruction of 28 June 1927 was given to the OGPU (the text: "a departmental instruction"),
    and the Criminal Codes to the All-Russian Central Executive Committee, neither of which the text says."""
    (act,) = [a for a in regime.acts if a["id"] == act_id]
    assert act["body"].startswith("issuing body not named in Ablazhey and Zhanbossinova 2026")
    assert "OGPU" not in act["body"] and "Executive Committee" not in act["body"]


def test_the_smuggling_law_is_in_the_regime(regime):
    """Issue 27's known gaps: the 1921 decrees, Article 97 of 1922, the cases passing to extrajudicial bodies."""
    acts = {a["id"]: a for a in regime.acts}
    assert acts["act-1921-smuggling-decrees"]["date"] == "1921"
    assert "Article 97" in acts["act-1922-criminal-code-art-97"]["title"]
    assert "Special Conference of the OGPU Collegium" in acts["act-1927-smuggling-cases-extrajudicial"]["did"]
    assert acts["act-1927-smuggling-cases-extrajudicial"]["date_note"]
