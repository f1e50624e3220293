"""Releases (store.releases): numbering, publishing a build only when its content is new, the changelog between
two stores, the latest pointer, and a prune that lists before it removes."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from store import changelog, releases
from store.errors import Gone, NotFound
from store.geopackage import GeoPackageStore
from store.tables import gpkg_connect


def test_numbers_count_up_within_a_day_and_never_go_back():
    assert releases.next_number([], date(2026, 12, 3)) == "2026.12.3-1"
    assert releases.next_number(["2026.12.3-1", "2026.12.3-2"], date(2026, 12, 3)) == "2026.12.3-3"
    assert releases.next_number(["2026.12.3-2"], date(2026, 12, 4)) == "2026.12.4-1"
    assert releases.next_number(["2026.12.9-1"], date(2026, 12, 4)) == "2026.12.9-2"  # a clock set back


def changed_copy(built: Path, out: Path) -> Path:
    """A copy of the build with Narynkol's modern name changed in its stored feature text."""
    shutil.copyfile(built, out)
    with gpkg_connect(out) as db:
        (text,) = db.execute("SELECT feature_json FROM places WHERE id = 'narynkol'").fetchone()
        feature = json.loads(text)
        feature["properties"]["modern_name"] = "Narynkol (renamed)"
        db.execute("UPDATE places SET feature_json = ? WHERE id = 'narynkol'", (json.dumps(feature),))
    return out


@pytest.fixture()
def two(built, tmp_path):
    """A releases directory with two releases: the session's build, then a copy with one record changed."""
    root = tmp_path / "releases"
    first = tmp_path / "first.gpkg"
    shutil.copyfile(built[0], first)
    a = releases.publish(first, root, progress=lambda *_: None)
    b = releases.publish(changed_copy(built[0], tmp_path / "second.gpkg"), root, progress=lambda *_: None)
    return root, a, b


def test_a_build_with_new_content_is_a_new_release_with_its_changelog(two):
    root, a, b = two
    assert a.number.endswith("-1") and b.number.endswith("-2") and a.id != b.id
    assert [r.number for r in releases.Directory(root).all()] == [a.number, b.number]
    assert releases.Directory(root).latest().number == b.number
    assert (root / releases.LATEST).read_text().strip() == b.number
    manifest = json.loads((root / b.number / releases.MANIFEST).read_text())
    assert manifest["previous"] == a.number and manifest["counts"]["places"] == a.manifest["counts"]["places"]
    assert manifest["changes"]["layers"] == {
        "places": {
            "added": [],
            "removed": [],
            "changed": [{"id": "narynkol", "fields": {"modern_name": ["Narynkol", "Narynkol (renamed)"]}}],
        }
    }
    assert manifest["summary"]["total"] == 1
    assert a.manifest["summary"]["layers"]["places"]["added"] == a.manifest["counts"]["places"]
    assert {d["id"] for d in manifest["documents"]} >= {"ablazhey-zhanbossinova-2026"}


def test_the_same_content_again_is_no_release_and_nothing_is_rewritten(two, tmp_path):
    root, _a, b = two
    before = {p: p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file() and p.name != releases.LOCK}
    again = tmp_path / "again.gpkg"
    shutil.copyfile(tmp_path / "second.gpkg", again)
    assert releases.publish(again, root, progress=lambda *_: None) is None
    after = {p: p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file() and p.name != releases.LOCK}
    assert after == before
    assert releases.Directory(root).latest().number == b.number


def test_a_release_serves_its_own_data(two):
    root, a, b = two
    directory = releases.Directory(root)
    old = json.loads(directory.open(directory.find(a.number)).feature_text("places", "narynkol"))
    new = json.loads(directory.open(directory.find(b.id)).feature_text("places", "narynkol"))
    assert (old["properties"]["modern_name"], new["properties"]["modern_name"]) == ("Narynkol", "Narynkol (renamed)")


def test_an_unknown_release_says_where_the_list_is(two):
    with pytest.raises(NotFound, match=r"no release '9999.1.1-1'.*/releases"):
        releases.Directory(two[0]).find("9999.1.1-1")


def test_a_leftover_of_a_killed_publish_is_no_release_and_is_cleared(two, tmp_path):
    root, a, b = two
    leftover = root / f"{releases.NEW}2026.1.1-1"
    leftover.mkdir()
    (leftover / releases.DATA).write_bytes(b"half written")
    assert [r.number for r in releases.Directory(root).all()] == [a.number, b.number]
    third = changed_copy(tmp_path / "first.gpkg", tmp_path / "third.gpkg")
    with gpkg_connect(third) as db:
        db.execute("DELETE FROM customs WHERE fid = (SELECT min(fid) FROM customs)")
    made = releases.publish(third, root, progress=lambda *_: None)
    assert not leftover.exists() and made.manifest["summary"]["layers"]["customs"]["removed"] == 1


def test_prune_lists_and_removes_only_when_told(two, capsys):
    root, a, b = two
    assert releases.main(["prune", "--keep", "1", "--releases", str(root)]) == 0
    assert f"would remove {a.number}" in capsys.readouterr().out
    assert (root / a.number / releases.DATA).exists()
    assert releases.main(["prune", "--keep", "1", "--yes", "--releases", str(root)]) == 0
    assert not (root / a.number / releases.DATA).exists()
    with pytest.raises(Gone, match="pruned"):
        releases.Directory(root).find(a.number)
    assert releases.Directory(root).latest().number == b.number
    assert releases.next_number([r.number for r in releases.Directory(root).all()], date(2026, 1, 1)) != a.number
    assert releases.main(["prune", "--keep", "0", "--releases", str(root)]) == 2


def test_changelog_names_added_removed_and_changed_geometry():
    old = {"a": _feature("a", {"x": 1}, [0, 0]), "b": _feature("b", {"x": 1}, [0, 0])}
    new = {"a": _feature("a", {"x": 1}, [1, 1]), "c": _feature("c", {"x": 2}, [0, 0])}
    found = changelog.layer_changes(old, new)
    assert found["added"] == ["c"] and found["removed"] == ["b"]
    assert found["changed"] == [{"id": "a", "fields": {"geometry": ["POINT (0 0)", "POINT (1 1)"]}}]


def _feature(fid: str, properties: dict, coordinates: list) -> str:
    geometry = {"type": "Point", "coordinates": coordinates}
    return json.dumps({"type": "Feature", "id": fid, "geometry": geometry, "properties": properties})


def test_a_store_has_the_same_changelog_against_itself_as_nothing(built):
    store = GeoPackageStore(built[0])
    assert changelog.summary(changelog.changes(store, store))["total"] == 0


def test_diff_says_what_changed_between_two_releases(two, capsys):
    root, a, b = two
    assert releases.main(["diff", a.number, b.number, "--releases", str(root)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [f"{a.number} -> {b.number}: 1 changes (places: 1 changed)", "places\tchanged\tnarynkol\tmodern_name"]
    assert releases.main(["diff", a.number, "--releases", str(root)]) == 0  # one release: against the latest
    assert capsys.readouterr().out.splitlines()[0].startswith(f"{a.number} -> {b.number}: 1 changes")
    assert releases.main(["diff", "--releases", str(root)]) == 2
    assert "give two releases" in capsys.readouterr().err
    assert releases.main(["diff", "1999.1.1-1", "--releases", str(root)]) == 2
    assert "no release '1999.1.1-1'" in capsys.readouterr().err
