"""data/sources/diplomacy.yaml: seed 001's talks, agreements, representatives and trade measures as dated,
cited records; the layer built from them; the errors a malformed file gets."""

from __future__ import annotations

import re

import pandas as pd
import pytest
import yaml

from evidence.citations import resolve
from evidence.documents import normalized
from evidence.provenance import citation_problems, reference_problems
from layers import DataError
from layers.build import SOURCES
from layers.customs import read_tariff
from layers.diplomacy import AREAS, KINDS, STATUSES, build, read_diplomacy
from layers.outposts import read_place_ids, read_places_lonlat

# id -> (kind, place or area, start, end)
EXPECTED = {
    "ili-protocol-1920": ("protocol", "ili-district", "1920-05", "1920-05"),
    "kazansky-talks-urumqi-1921": ("talks", "urumqi", "1921-09-05", "1922"),
    "urumqi-talks-first-session-1922": ("talks", "urumqi", "1922-02", "1922-02"),
    "karakhan-silin-telegram-1922": ("correspondence", None, "1922-09-20", "1922-09-20"),
    "tashkent-conference-proposal-1922": ("talks", "tashkent", None, "1922-09-20"),
    "plenipotentiary-question-chuguchak-1922": ("representation", "chuguchak", "1922-09-20", "1922-09-20"),
    "plenipotentiary-question-urumqi-1922": ("representation", "urumqi", "1922-09-20", "1922-09-20"),
    "customs-levy-15-percent-1921": ("trade_measure", None, None, "1921-09"),
    "yang-zengxin-protest-note-1921": ("note_of_protest", None, "1921-09", "1921-09"),
    "chinese-plenipotentiary-alma-ata-1922": ("representation", "alma-ata", "1922-10-10", "1922-10-10"),
    "soviet-duties-kuldja-1922": ("trade_measure", "kuldja", None, "1922-10-10"),
    "soviet-representative-kuldja": ("representation", "kuldja", "1922-10-10", "1923-10-10"),
    "border-closure-attempt": ("trade_measure", "west-china-border", "1921-09", "1923"),
    "licence-free-regime-question-1923": ("trade_measure", "eastern-borders", "1923-03", "1923-05"),
    "chamber-of-commerce-lists-1923": ("trade_measure", "west-china-border", None, "1923-04-12"),
    "snk-draft-licence-free-trade-1923": ("trade_measure", "west-china-border", "1923-04-12", "1923-04-12"),
    "frumkin-letter-1923": ("correspondence", "west-china-afghan-borders", "1923-04-12", "1923-07-28"),
    "fergana-cattle-allocation-1923": ("trade_measure", "fergana-oblast", None, "1923-07-28"),
    "nkvt-order-cattle-drives-1923": ("trade_measure", "afghan-persian-west-china-borders", "1923-07-28", "1923-10"),
    "licence-free-regime-uriankhai-1923": ("trade_measure", "uriankhai-border", "1923-11-12", "1923-11-12"),
    "xinjiang-cattle-sale-ban-1923": ("trade_measure", "xinjiang", None, "1923-11-12"),
    "snk-resolution-1022-tariff-1923": ("trade_measure", "west-china-section", "1923-04-19", "1923-04-19"),
    "ozornin-kister-arrives-urumqi-1923": ("representation", "urumqi", "1923-08-25", "1923-08-25"),
    "urumqi-talks-resumed-1923": ("talks", "urumqi", "1923-08-31", "1923"),
    "temporary-trade-agreement-1923": ("agreement", "urumqi", "1923", "1923"),
    "kuldja-memorandum-tian-shan-1923": ("correspondence", "kuldja", "1923-10-10", "1923-10-10"),
    "tian-shan-geological-expedition": ("expedition", "tian-shan", None, "1923-10-10"),
    "tian-shan-mining-concession-1923": ("concession_project", "tian-shan", "1923", "1923"),
    "mixed-companies-proposal-1923": ("concession_project", "xinjiang", "1923", "1923"),
    "russian-chinese-jsc-draft-1923": ("concession_project", "chuguchak", "1923-10-05", "1923-10-05"),
    "nkid-plenipotentiary-chuguchak-1923": ("representation", "chuguchak", "1923-10-05", "1923-10-05"),
    # the second reading (issue 27): the province's neutrality, trade, British influence, the 1927 protests
    "xinjiang-neutrality-policy": ("policy", None, "1918", None),
    "xinjiang-cotton-exports": ("trade", "west-china-border", "1921", "1923"),
    "russian-exports-finished-goods": ("trade", "west-china-border", None, "1923"),
    "british-influence-reported-1923": ("correspondence", None, "1923", "1923"),
    "epshtein-memorandum-kashgar": ("correspondence", "kashgar-district", None, "1923"),
    "transit-trade-siberia-turkestan": ("trade", "urumqi", "1921", "1923"),
    "soviet-protests-1927": ("note_of_protest", None, "1927-06", "1927-08"),
}


@pytest.fixture(scope="module")
def records():
    return read_diplomacy(SOURCES)


@pytest.fixture(scope="module")
def by_id(records):
    return {r["id"]: r for r in records}


@pytest.fixture(scope="module")
def frame(records):
    return build(records, read_places_lonlat(SOURCES)).set_index("id")


def _cites(records):
    return [pytest.param(c, id=f"{r['id']}:{c['quote'][:30]}") for r in records for c in r["sources"]]


ALL_CITES = _cites(read_diplomacy(SOURCES))


# --- the records ---------------------------------------------------------------------------------


def test_every_record_of_the_text(records):
    got = {r["id"]: (r["kind"], r["place"] or r.get("area"), r["start"], r["end"]) for r in records}
    assert got == EXPECTED


def test_every_record_is_dated_and_cited(records):
    for r in records:
        assert r["start"] or r["end"], r["id"]
        assert r["date_precision"] and r["date_text"] and r["sources"], r["id"]


def _joined(text: str) -> str:
    """Whitespace collapsed and the copy's line-break hyphens joined ("перего- воров" -> "переговоров")."""
    return re.sub(r"(\w)- (\w)", r"\1\2", normalized(text))


def test_the_date_text_is_in_a_quote_of_its_record(records):
    """date_text is the text's own words, so a quote of the record holds them."""
    for r in records:
        assert any(_joined(r["date_text"]) in _joined(c["quote"]) for c in r["sources"]), r["id"]


def test_a_date_no_bound_of_which_the_text_states_says_why(records):
    for r in records:
        if r["start"] is None or r["end"] is None or r["start"] != r["end"]:
            assert r.get("date_note"), r["id"]


def test_month_and_season_precision_are_kept(by_id, frame):
    assert (by_id["ili-protocol-1920"]["start"], by_id["ili-protocol-1920"]["date_precision"]) == ("1920-05", "month")
    assert frame.loc["urumqi-talks-first-session-1922", ["start", "date_precision"]].tolist() == ["1922-02", "month"]
    assert frame.loc["yang-zengxin-protest-note-1921", "date_precision"] == "month"
    spring = frame.loc["licence-free-regime-question-1923"]
    assert (spring["start"], spring["end"], spring["date_precision"]) == ("1923-03", "1923-05", "season")


def test_a_year_only_where_the_text_says_in_1923(by_id):
    years = [r for r in by_id.values() if r["date_precision"] == "year"]
    assert {r["id"] for r in years} == {
        "border-closure-attempt", "temporary-trade-agreement-1923", "tian-shan-mining-concession-1923",
        "mixed-companies-proposal-1923", "xinjiang-neutrality-policy", "xinjiang-cotton-exports",
        "russian-exports-finished-goods", "british-influence-reported-1923", "epshtein-memorandum-kashgar",
        "transit-trade-siberia-turkestan",
    }  # fmt: skip
    for r in years:
        assert "1923 г." in r["date_text"] or r.get("date_note"), r["id"]


def test_both_readings_are_kept_where_the_text_is_uncertain(by_id):
    ili = by_id["ili-protocol-1920"]["note"]
    assert "Some researchers hold" in ili and "The author doubts it" in ili
    unclear = [r for r in by_id.values() if r["status"] == "unclear"]
    assert {r["id"] for r in unclear} == {
        "plenipotentiary-question-chuguchak-1922",
        "plenipotentiary-question-urumqi-1922",
    }
    assert all(r["note"].startswith("Two readings") for r in unclear)


def test_places_resolve_and_areas_are_known(records):
    places = read_place_ids(SOURCES)
    for r in records:
        assert r["place"] is None or r["place"] in places, r["id"]
        assert r.get("area") is None or r["area"] in AREAS, r["id"]
        assert r["kind"] in KINDS and r["status"] in STATUSES


def test_the_tariff_resolution_links_the_tariff_table(by_id):
    assert read_tariff(SOURCES)["id"] in by_id["snk-resolution-1022-tariff-1923"]["related"]


def test_related_links_are_records(by_id):
    tariff = read_tariff(SOURCES)["id"]
    for r in by_id.values():
        assert set(r.get("related") or []) <= set(by_id) | {tariff}, r["id"]
        assert r["id"] not in (r.get("related") or [])


# --- the built frame -----------------------------------------------------------------------------


def test_the_frame_has_one_feature_per_record(frame):
    assert len(frame) == len(EXPECTED) == 38
    assert frame["sources"].map(len).min() >= 1


def test_records_are_placed_at_their_gazetteer_places(frame):
    lonlat = read_places_lonlat(SOURCES)
    for fid, row in frame[frame["place"].notna()].iterrows():
        lon, lat, precision = lonlat[row["place"]]
        assert (row.geometry.x, row.geometry.y, row["precision_m"]) == (lon, lat, precision), fid
    chuguchak = frame.loc["russian-chinese-jsc-draft-1923"]
    assert (round(chuguchak.geometry.x, 3), round(chuguchak.geometry.y, 3)) == (82.958, 46.745)


def test_an_area_or_no_place_keeps_no_point(frame):
    unplaced = frame[frame["place"].isna()]
    assert len(unplaced) == 16
    assert unplaced.geometry.isna().all() and not unplaced["located"].any()
    levy = frame.loc["chamber-of-commerce-lists-1923"]
    assert levy["area_label"] == AREAS["west-china-border"][0]
    assert levy["location_basis"] == f"not placed: applies to a stretch of border: {AREAS['west-china-border'][0]}"
    telegram = frame.loc["karakhan-silin-telegram-1922"]
    assert pd.isna(telegram["area"]) and telegram["location_basis"].startswith("not placed: The text names neither")


def test_labels_come_from_the_code_lists(frame):
    row = frame.loc["snk-draft-licence-free-trade-1923"]
    assert (row["kind_label"], row["status_label"]) == (KINDS["trade_measure"], STATUSES["draft"])


def test_the_built_layer_in_the_store_has_levels_and_references(layers):
    built = layers["diplomacy"].set_index("id")
    assert built.loc["russian-chinese-jsc-draft-1923", "where_prec"] == "exact"
    assert built.loc["ili-protocol-1920", "where_prec"] == "district"
    assert built.loc["tian-shan-mining-concession-1923", "where_prec"] == "feature"
    assert built.loc["nkvt-order-cattle-drives-1923", "where_prec"] == "unlocated"
    cite = built.loc["snk-resolution-1022-tariff-1923", "sources"][0]
    assert "f. 635, op. 3, d. 14" in cite["reference"] and cite["cited_as"] == "Shemetova 2020, n. 1 (p. 5 of the copy)"


# --- provenance ----------------------------------------------------------------------------------


@pytest.mark.parametrize("cite", ALL_CITES)
def test_every_citation_is_the_texts_and_its_note_covers_it(cite):
    assert citation_problems(cite) == []
    assert reference_problems(resolve(cite)) == []


def test_a_quote_across_a_hyphenated_break_must_keep_the_hyphen():
    joined = {"document": "shemetova-2020", "note": None, "quote": "5 сентября 1921 г. советское руководство направило"}
    assert "is not in the text" in citation_problems(joined)[0]
    kept = joined | {"note": "2.1", "quote": "5 сентября 1921 г. советское руководство направи- ло"}
    assert citation_problems(kept) == []


# --- malformed files -----------------------------------------------------------------------------

CITE = {"document": "shemetova-2020", "note": None, "quote": "one two three four five"}


def _record(ident="r1", **changes) -> dict:
    record = {
        "id": ident, "name": "Talks", "name_ru": "Переговоры", "kind": "talks", "status": "held",
        "start": "1922-02", "end": "1922-02", "date_precision": "month", "date_text": "в феврале 1922 г.",
        "parties": [{"who": "a delegation", "side": "USSR"}], "place": "here", "summary": "s", "sources": [CITE],
    }  # fmt: skip
    return record | changes


def _read(tmp_path, records):
    (tmp_path / "places.yaml").write_text(yaml.safe_dump([{"id": "here"}]), encoding="utf-8")
    (tmp_path / "tariff_1923.yaml").write_text(yaml.safe_dump({"tariff": {"id": "tariff-x"}}), encoding="utf-8")
    text = yaml.safe_dump({"records": list(records)}, allow_unicode=True, sort_keys=False)
    (tmp_path / "diplomacy.yaml").write_text(text, encoding="utf-8")
    return read_diplomacy(tmp_path)


def test_a_valid_file_reads(tmp_path):
    area = _record("r2", place=None, area="west-china-border", related=["r1", "tariff-x"])
    by = _record("r3", start=None, end="1923", date_precision="year", date_note="by 1923", place=None, place_note="-")
    assert [r["id"] for r in _read(tmp_path, [_record(), area, by])] == ["r1", "r2", "r3"]


P = r"diplomacy\.yaml:\d+: entry 'r1': "


@pytest.mark.parametrize(
    ("records", "message"),
    [
        ([_record(colour="red")], P + r"unknown field\(s\) \['colour'\]"),
        ([{k: v for k, v in _record().items() if k != "summary"}], P + r"missing field\(s\) \['summary'\]"),
        ([_record(), _record()], P + "duplicate id"),
        ([_record(kind="treaty")], P + r"kind 'treaty' is not one of \['talks', 'agreement'"),
        ([_record(status="signed")], P + r"status 'signed' is not one of \['proposed', 'held'"),
        ([_record(start=None, end=None)], P + r"no date: every record is dated"),
        ([_record(date_precision=None)], P + r"date_precision is required"),
        ([_record(date_precision="week")], P + r"date_precision 'week' is not one of"),
        ([_record(start="1923", end="1922")], P + r"end 1922 is before start 1923"),
        ([_record(start="1922-02-30", end=None)], P + r"'1922-02-30' is not a valid date"),
        ([_record(start=None, end="1923")], P + r"a 'by' date \(start is null\): say where the dates come from"),
        ([_record(end=None)], P + r"an open end \(end is null\): say where the dates come from in `date_note`"),
        ([_record(end="1923")], P + r"a period \(start and end differ\): say where the dates come from"),
        ([_record(parties=[])], P + r"`parties` must name at least one party"),
        ([_record(parties=[{"who": "x", "side": "Japan"}])], P + r"party side 'Japan' is not one of"),
        ([_record(parties=[{"who": "x"}])], P + r"missing field\(s\) \['side'\]"),
        ([_record(parties="the USSR")], P + r"`parties` was 'the USSR' but must be a list of mappings"),
        ([_record(place="atlantis")], P + r"place 'atlantis' is not in the gazetteer"),
        ([_record(place=None, area="pacific")], P + r"area 'pacific' is not one of \['west-china-border'"),
        ([_record(area="west-china-border")], P + r"a record has a place or an area of border, not both"),
        ([_record(place=None)], P + r"no place and no area: say why in `place_note`"),
        ([_record(related=["r9"])], P + r"related 'r9' is not a record of diplomacy.yaml or tariff_1923.yaml"),
        ([_record(related="r1")], P + r"`related` was 'r1' but must be a list of texts or null"),
        ([_record(sources=[])], P + r"`sources` must be a non-empty list of citations"),
        ([_record(sources=[CITE | {"quote": "too short"}])], P + r"a quote must be 5–30 words, not 2"),
        ([_record(sources=[CITE | {"document": "nowhere"}])], P + r"document 'nowhere' is not in data/texts"),
        ([_record(sources=[CITE | {"note": "two"}])], P + r"note 'two' is not a note of Shemetova 2020"),
    ],
)
def test_malformed_records_are_rejected(tmp_path, records, message):
    with pytest.raises(DataError, match=message):
        _read(tmp_path, records)
