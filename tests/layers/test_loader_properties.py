"""Property-based tests of the YAML source loaders: any document builds or stops with `file:line: reason`.

Two kinds of documents: arbitrary YAML values, and the real source with one value somewhere replaced by an
arbitrary one (which reaches the checks deep inside an entry). No exception but DataError may escape.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from layers import areas, customs, diplomacy, incidents, migration, outposts, places, statistics, zones
from layers import sources as source_checks
from layers.build import SOURCES
from layers.errors import DataError
from layers.sources import FIELD_TYPES
from pipeline import build as build_module

# file -> loader
LOADERS = {
    "areas.yaml": areas.read_areas,
    "customs.yaml": customs.read_customs,
    "diplomacy.yaml": diplomacy.read_diplomacy,
    "tariff_1923.yaml": customs.read_tariff,
    "incidents.yaml": incidents.read_incidents,
    "migration.yaml": migration.read_migration,
    "outposts.yaml": outposts.read_outposts,
    "places.yaml": places.read_places,
    "statistics.yaml": statistics.read_statistics,
    "zones.yaml": zones.read_regime,
}
MESSAGE = re.compile(r"^\S+\.yaml:[0-9]+: .+", re.S)  # every refusal names the file and a line
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=20),
    st.dates(),
    st.sampled_from(["", "1927", "1927-13", "USSR", "exact", "town", "restricts", "narynkol", "-1", "1e999"]),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
EXAMPLES = 15


def paths(value, prefix=()):
    """Every place in a parsed document, as a path of keys and indexes."""
    yield prefix
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else []
    for key, child in items:
        yield from paths(child, (*prefix, key))


def replaced(document, path, new):
    if not path:
        return new
    head, *rest = path
    copy = dict(document) if isinstance(document, dict) else list(document)
    copy[head] = replaced(document[head], rest, new)
    return copy


@pytest.fixture(scope="module")
def sources():
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "sources"
        shutil.copytree(SOURCES, folder)
        yield folder


def check_loader(sources: Path, name: str, text: str) -> None:
    path = sources / name
    original = (SOURCES / name).read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    try:
        LOADERS[name](sources)
    except DataError as exc:
        assert MESSAGE.match(str(exc)), f"no file:line: reason in {exc}"
    finally:
        path.write_text(original, encoding="utf-8")


def dump(value) -> str:
    return yaml.safe_dump(value, allow_unicode=True, sort_keys=False)


@pytest.mark.parametrize("name", LOADERS)
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(value=VALUES)
def test_any_document(sources, name, value):
    check_loader(sources, name, dump(value))


REAL = {name: yaml.safe_load((SOURCES / name).read_text(encoding="utf-8")) for name in LOADERS}
PATHS = {name: list(paths(doc)) for name, doc in REAL.items()}


@pytest.mark.parametrize("name", LOADERS)
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data(), value=VALUES)
def test_the_real_source_with_one_value_replaced(sources, name, data, value):
    path = data.draw(st.sampled_from(PATHS[name]))
    check_loader(sources, name, dump(replaced(REAL[name], path, value)))


@pytest.mark.parametrize("name", LOADERS)
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=st.text(alphabet=st.sampled_from(list(":-[]{}\"'&*!|>%@`#, \n\tab1")), max_size=40))
def test_any_text(sources, name, text):
    check_loader(sources, name, text)


# --- the type table, and refusals from the build ---------------------------------------------------------

MODULES = (areas, customs, diplomacy, incidents, migration, outposts, places, statistics, zones, source_checks)


def test_every_field_a_loader_allows_has_a_kind():
    """A field without a kind in FIELD_TYPES (or its layer's own table) would reach the checks unchecked."""
    untyped = set()
    for module in MODULES:
        for name, value in vars(module).items():
            if name.endswith("FIELDS") and isinstance(value, tuple) and all(isinstance(v, (set, dict)) for v in value):
                own = value[2] if len(value) > 2 else {}
                untyped |= {f"{module.__name__}.{name}: {f}" for f in value[0] | value[1] if f not in FIELD_TYPES | own}
    assert not untyped


@pytest.mark.parametrize(
    ("name", "path", "value", "message"),
    [
        ("zones.yaml", ("acts", 0, "zones"), [["zone-22-km"]], r"`zones` was \[\['zone-22-km'\]\] but must be a list"),
        ("zones.yaml", ("acts", 0, "citation"), None, r"`citation` was None but must be a mapping"),
        ("zones.yaml", ("zones", 0, "depth", "unit"), ["km"], r"`unit` was \['km'\] but must be a text or null"),
        ("areas.yaml", ("areas", 0, "from"), [], r"`from` was \[\] but must be a text or a mapping"),
        ("incidents.yaml", ("incidents", 0, "actors"), [None], r"`actors` was \[None\] but must be a list of mappings"),
        ("incidents.yaml", ("incidents", 0, "unit"), ["x"], r"`unit` was \['x'\] but must be a text or null"),
        ("migration.yaml", ("flows", 0, "to"), [1], r"`to` was \[1\] but must be a text or a list of texts"),
        ("migration.yaml", ("areas", 9, "extent", "box"), ["a"], r"`box` was \['a'\] but must be a list of n"),
        ("customs.yaml", ("facts",), [1], r"`facts` was \[1\] but must be a list of mappings or null"),
        ("diplomacy.yaml", ("records", 0, "status"), ["held"], r"`status` was \['held'\] but must be a text"),
        ("diplomacy.yaml", ("records", 0, "parties", 0, "who"), None, r"`who` was None but must be a text"),
        ("outposts.yaml", ("units", 0, "parent"), {"a": 1}, r"`parent` was \{'a': 1\} but must be a text or null"),
        ("places.yaml", (0, "lat"), float("nan"), r"`lat` was nan but must be a number or null"),
        ("statistics.yaml", ("statistics", 0, "value"), 3, r"`value` was 3 but must be a mapping or null"),
    ],
)
def test_a_value_of_the_wrong_kind_names_the_line_and_what_is_allowed(sources, name, path, value, message):
    (sources / name).write_text(dump(replaced(REAL[name], path, value)), encoding="utf-8")
    try:
        with pytest.raises(DataError, match=rf"^\S+{re.escape(name)}:[0-9]+: .*{message}"):
            LOADERS[name](sources)
    finally:
        shutil.copy(SOURCES / name, sources / name)


def test_a_refusal_from_the_build_is_given_its_entry_line(sources):
    """Raised while building from records already read, a refusal names the file; the build adds the line."""
    ident = REAL["incidents.yaml"]["incidents"][2]["id"]
    located = DataError("incidents.yaml", None, ident, "no place 'Atlantis'").located(sources)
    line = next(i for i, text in enumerate((sources / "incidents.yaml").open(encoding="utf-8"), 1) if ident in text)
    assert str(located) == f"{sources / 'incidents.yaml'}:{line}: entry {ident!r}: no place 'Atlantis'"


def test_an_unexpected_error_in_the_build_shows_no_traceback(monkeypatch, capsys, tmp_path):
    def broken(*args, **kwargs):
        raise TypeError("unhashable type: 'list'")

    monkeypatch.setattr(build_module, "build", broken)
    assert build_module.main(["--out", str(tmp_path / "atlas.gpkg")]) == 2
    err = capsys.readouterr().err
    assert "build failed: unexpected TypeError: unhashable type: 'list'" in err and "--traceback" in err
    assert "Traceback" not in err


def test_a_file_that_is_not_utf8_or_not_yaml_names_the_line(sources):
    path = sources / "zones.yaml"
    for text, message in ((b"zones: []\nacts: \xff\n", "not UTF-8"), (b"zones: []\nacts: \x07\n", "not valid YAML")):
        path.write_bytes(text)
        try:
            with pytest.raises(DataError, match=rf"zones.yaml:2: {message}"):
                zones.read_regime(sources)
        finally:
            shutil.copy(SOURCES / "zones.yaml", path)
