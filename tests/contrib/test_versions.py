"""A fix is not a new submission: a file imported again under the name of one not yet accepted is its new version
(the history keeps both, the place choices kept for the rows still holding the same names); a withdrawal says why."""

from __future__ import annotations

import shutil

from contrib.store import ContributionStore
from pipeline.cli import main
from tests.contrib.conftest import TWO_INCIDENTS

GOOD_ROW = TWO_INCIDENTS.splitlines()[2].replace("jarkent-1930,", "jarkent-1931,").replace(",1930,1930,", ",1931,1931,")


def test_a_fixed_file_imported_again_is_a_new_version_with_its_choices_kept(tmp_path, built, small_reference, capsys):
    header, kegen, jarkent = TWO_INCIDENTS.splitlines()
    (tmp_path / "ogpu.csv").write_text("\r\n".join([header, kegen, jarkent.replace("detention", "riot")]) + "\r\n")
    # the fix: the mistake mended, and a row added above, so that Kegen is no longer in row 2
    (tmp_path / "fixed.csv").write_text("\r\n".join([header, GOOD_ROW, kegen, jarkent]) + "\r\n", encoding="utf-8")
    shutil.copy(built[0], tmp_path / "atlas.gpkg")
    base = ["--contributions", str(tmp_path / "c.sqlite"), "--store", str(tmp_path / "atlas.gpkg"), "--by", "h"]
    assert main([*base, "import", str(tmp_path / "ogpu.csv"), "--layer", "incidents", "--as", "ogpu"]) == 1
    assert main([*base, "choose", "ogpu", "2", "location.place", "geonames:1522818"]) == 1  # the mistake remains
    capsys.readouterr()
    assert main([*base, "import", str(tmp_path / "fixed.csv"), "--layer", "incidents", "--as", "ogpu"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "imported fixed.csv as version 2 of ogpu (1 choice kept)"
    assert out[-1] == "ogpu: 0 errors, 0 names to choose, 4 records ready; checked"
    store = ContributionStore(tmp_path / "c.sqlite")
    assert [s["name"] for s in store.submissions()] == ["ogpu"]
    sub = store.get("ogpu")
    assert (sub["file_name"], sub["status"], sub["choices"]) == (
        "fixed.csv",
        "checked",
        {"3:location.place": {"choice": "geonames:1522818", "basis": None}},
    )
    assert [(v["version"], v["file_name"]) for v in store.versions("ogpu")] == [(1, "ogpu.csv")]
    history = [(h["action"], h["file_name"]) for h in store.history("ogpu") if h["action"] != "check"]
    assert history == [("import", "ogpu.csv"), ("choose", None), ("new version", "fixed.csv")]
    assert main([*base, "--reference", str(small_reference), "publish", "ogpu"]) == 0
    assert store.get("ogpu")["status"] == "accepted"
    capsys.readouterr()
    assert main([*base, "import", str(tmp_path / "fixed.csv"), "--layer", "incidents", "--as", "ogpu"]) == 2
    assert (
        "there is already a submission 'ogpu', accepted; allowed: a new version of one not yet accepted, or "
        "another name (--as NAME)" in capsys.readouterr().err
    )


def test_withdraw_says_why_in_the_history_and_list_says_when_there_is_none(tmp_path, built, capsys):
    (tmp_path / "ogpu.csv").write_text(TWO_INCIDENTS, encoding="utf-8")
    base = ["--contributions", str(tmp_path / "c.sqlite"), "--store", str(built[0]), "--by", "h"]
    assert main([*base, "list"]) == 0
    assert capsys.readouterr().out.startswith("no submission yet; to make one: border-atlas import FILE --layer ")
    main([*base, "import", str(tmp_path / "ogpu.csv"), "--layer", "incidents", "--as", "ogpu"])
    assert main([*base, "withdraw", "ogpu", "--reason", " "]) == 2
    assert "a withdrawal needs a reason" in capsys.readouterr().err
    assert main([*base, "withdraw", "ogpu", "--reason", "the wrong file"]) == 0
    store = ContributionStore(tmp_path / "c.sqlite")
    assert store.get("ogpu")["status"] == "withdrawn"
    assert store.history("ogpu")[-1] | {"at": None} == {"at": None, "who": "h", "action": "withdraw",
                                                       "submission": "ogpu", "file_name": None, "what": None,
                                                       "why": "the wrong file"}  # fmt: skip
    assert main([*base, "withdraw", "ogpu", "--reason", "again"]) == 2
