"""layers/places.py: each bad gazetteer file is a DataError naming its file, line and reason."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from layers import places
from layers.errors import DataError


def place_record(ident: str, name: str, **changes) -> dict:
    record = {
        "id": ident,
        "name": name,
        "name_ru": None,
        "variants": [],
        "feature_type": "village",
        "side": "USSR",
        "in_1927_list": False,
        "lat": 44.0,
        "lon": 80.0,
        "precision_m": 1000,
        "precision_class": "near",
        "location_basis": "hand-made test record (https://example.org/test-record)",
        "population": None,
        "sources": [{"document": "ablazhey-zhanbossinova-2026", "note": None, "quote": f"the village of {name} here"}],
    }
    record.update(changes)
    return {k: v for k, v in record.items() if v != "<drop>"}


def _write(tmp_path: Path, records) -> Path:
    text = yaml.safe_dump(records, allow_unicode=True, sort_keys=False)
    (tmp_path / places.FILE).write_text(text, encoding="utf-8")
    return tmp_path / places.FILE


def _line_of(path: Path, ident: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if line.strip() in (f"- id: {ident}", f"id: {ident}"))


def test_a_good_file_reads(tmp_path):
    _write(
        tmp_path,
        [
            place_record("alpha", "Alpha"),
            place_record("beta", "Beta", lat=None, lon=None, precision_m=None, precision_class="unlocated"),
        ],
    )
    assert [r["id"] for r in places.read_places(tmp_path)] == ["alpha", "beta"]


BAD = [
    ({"lat": 91.0}, r"lat 91.0 must be a number from -90 to 90"),
    ({"lat": -90.5}, r"lat -90.5 must be a number from -90 to 90"),
    ({"lon": 180.5}, r"lon 180.5 must be a number from -180 to 180"),
    ({"lon": "80E"}, r"`lon` was '80E' but must be a number or null"),
    ({"feature_type": "city"}, r"feature_type 'city' is not one of \['town', 'village'"),
    ({"side": "Mongolia"}, r"side 'Mongolia' is not one of \['USSR', 'China'\]"),
    ({"precision_class": "approximate"}, r"precision_class 'approximate' is not one of \['exact', 'near'"),
    ({"lon": None}, r"lat without lon"),
    ({"lat": None}, r"lon without lat"),
    ({"sources": "<drop>"}, r"missing field\(s\) \['sources'\]"),
    ({"population_1926": 5}, r"unknown field\(s\) \['population_1926'\]"),
    ({"variants": ["Alpha"]}, r"name 'Alpha' is also a name of 'alpha'"),
    ({"variants": ["  ALPHA "]}, r"name 'ALPHA' is also a name of 'alpha'"),
    ({"name_ru": "alpha"}, r"name 'alpha' is also a name of 'alpha'"),
    ({"precision_m": -5}, r"precision_m -5 must be a number >= 0"),
    ({"precision_m": None}, r"a located place needs precision_m"),
    ({"population": [{"year": 1926, "count": 0}]}, r"population count 0 must be a positive whole number"),
    ({"population": [{"year": 1926, "count": -3}]}, r"population count -3 must be a positive whole number"),
    ({"population": [{"year": 1926, "count": 11.5}]}, r"`count` was 11.5 but must be a whole number"),
    ({"population": [{"year": 1926, "count": "many"}]}, r"`count` was 'many' but must be a whole number"),
    ({"population": [{"year": 1926, "count": True}]}, r"`count` was True but must be a whole number"),
    ({"population": [{"year": 1926}]}, r"missing field\(s\) \['count'\]"),
    ({"variants": ["Bеta"]}, r"name 'Bеta' mixes Latin and Cyrillic letters"),  # Cyrillic е
    ({"precision_class": "unlocated"}, r"precision_class is 'unlocated' but the place has lat/lon"),
    ({"lat": None, "lon": None, "precision_m": None}, r"precision_class is 'near' but the place has no lat/lon"),
    ({"geonames_id": "1520747"}, r"`geonames_id` was '1520747' but must be a whole number or null"),
    ({"in_1927_list": "yes"}, r"`in_1927_list` was 'yes' but must be true or false"),
    ({"id": "Beta Village"}, r"id 'Beta Village' must be a lowercase ASCII slug"),
    ({"sources": []}, r"`sources` must be a non-empty list"),
    ({"sources": [{"document": "ablazhey-zhanbossinova-2026", "quote": " "}]}, r"a quote must be 5–30 words, not 0"),
    ({"location_basis": "well known"}, r"precision_class 'near' needs a relative_location or a page's address"),
    (
        {"precision_class": "exact", "location_basis": "well known"},
        r"precision_class 'exact' needs a geonames_id or a page's address",
    ),
    ({"area": "jetisu-7-5km"}, r"`area` is given exactly when precision_class is 'area'"),
    (
        {"precision_class": "area", "lat": None, "lon": None, "precision_m": None},
        r"`area` is given exactly when precision_class is 'area'",
    ),
]


@pytest.mark.parametrize(("changes", "message"), BAD, ids=[m for _, m in BAD])
def test_bad_input_is_a_data_error_with_file_line_and_reason(tmp_path, changes, message):
    bad = place_record("beta", "Beta", **changes)
    path = _write(tmp_path, [place_record("alpha", "Alpha"), bad])
    with pytest.raises(DataError, match=message) as caught:
        places.read_places(tmp_path)
    error = caught.value
    assert error.path == str(path)
    assert error.line is not None and error.line >= _line_of(path, bad["id"])
    assert error.entry == bad["id"]
    assert str(error).startswith(f"{path}:{error.line}: entry {bad['id']!r}:")


def test_duplicate_id(tmp_path):
    path = _write(tmp_path, [place_record("alpha", "Alpha"), place_record("alpha", "Beta")])
    with pytest.raises(DataError, match=r"entry 'alpha': duplicate id \(first at line 1\)") as caught:
        places.read_places(tmp_path)
    assert caught.value.line == path.read_text().splitlines().index("- id: alpha", 1) + 1


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("id: alpha\nname: Alpha\n", r"expected a list of places at the top level", 1),
        ("- id: alpha\n  name: [Alpha\n", r"not valid YAML", 3),
        ("- id: alpha\n- just a string\n", r"every entry must be a mapping", 2),
    ],
)
def test_unreadable_files(tmp_path, text, message, line):
    (tmp_path / places.FILE).write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=message) as caught:
        places.read_places(tmp_path)
    assert caught.value.line == line
