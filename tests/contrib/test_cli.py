"""`border-atlas`: import, check, choose, publish, users add, each with --help; a published record names its
contributor and submission in every output."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile

import pytest

from contrib.store import ContributionStore
from pipeline.cli import main
from store import GeoPackageStore
from webapp import create_app

COMMANDS = (["import"], ["check"], ["choose"], ["publish"], ["list"], ["withdraw"], ["users", "add"])


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help(command):
    command = [sys.executable, "-m", "pipeline", *command, "--help"]
    done = subprocess.run(command, check=False, capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.startswith("usage: border-atlas")


def test_the_console_script_is_declared():
    import tomllib
    from pathlib import Path

    project = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["scripts"] == {"border-atlas": "pipeline.cli:main"}


def test_import_prints_every_problem_and_names_to_choose(tmp_path, built, capsys):
    from tests.contrib.conftest import TWO_INCIDENTS

    (tmp_path / "ogpu.csv").write_text(TWO_INCIDENTS.replace("crossing,1929-04", "riot,1929-04"), encoding="utf-8")
    base = ["--contributions", str(tmp_path / "c.sqlite"), "--store", str(built[0]), "--by", "h"]
    assert main([*base, "import", str(tmp_path / "ogpu.csv"), "--layer", "incidents"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "imported ogpu.csv as ogpu"
    assert out[1].startswith("error: ogpu.csv:2:C (event_type): 'riot' is not in the list; allowed: one of crossing")
    assert out[3].startswith("choose: ogpu.csv:2:I (location.place): 'Kegen' is not settled; candidates: "
                             "geonames:1522818 Kegen (KZ) (GeoNames, 90; ")  # fmt: skip
    assert out[-1] == "ogpu: 1 errors, 1 names to choose, 1 records ready; needs work"
    assert main([*base, "publish", "ogpu"]) == 2
    assert "submission 'ogpu' is needs work; allowed: a checked one" in capsys.readouterr().err


def test_users_add_reads_the_password_and_refuses_a_short_one(tmp_path, monkeypatch, capsys):
    import io

    base = ["--contributions", str(tmp_path / "c.sqlite"), "--by", "admin"]
    monkeypatch.setattr(sys, "stdin", io.StringIO("a long enough password\n"))
    assert main([*base, "users", "add", "rev", "--role", "reviewer", "--password-stdin"]) == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO("short\n"))
    assert main([*base, "users", "add", "con", "--role", "contributor", "--password-stdin"]) == 2
    assert "the password is too short; allowed: at least 10 characters" in capsys.readouterr().err
    store = ContributionStore(tmp_path / "c.sqlite")
    assert store.user("rev")["role"] == "reviewer" and store.user("rev")["password"].startswith("$argon2")
    assert store.user("con") is None


def test_users_add_with_a_piped_password_and_no_flag_says_what_to_add(tmp_path, monkeypatch, capsys):
    import io

    monkeypatch.setattr(sys, "stdin", io.StringIO("a long enough password\n"))
    base = ["--contributions", str(tmp_path / "c.sqlite"), "--by", "admin"]
    assert main([*base, "users", "add", "rev", "--role", "reviewer"]) == 2
    assert "to pipe it in, add --password-stdin" in capsys.readouterr().err
    assert ContributionStore(tmp_path / "c.sqlite").user("rev") is None


def test_a_published_record_names_its_contributor_and_submission(published):
    atlas = GeoPackageStore(published[0])
    incidents = atlas.frame("incidents").set_index("id")
    assert incidents.loc["kegen-1929-04", ["contributor", "submission", "where_prec"]].tolist() == [
        "historian", "ogpu", "exact"]  # fmt: skip
    assert incidents.loc["jarkent-1930", "location_place"] == "jarkent"
    assert incidents.loc["sarkand-1927-08-18", "contributor"] is None
    kegen = atlas.frame("places").set_index("id").loc["kegen"]
    assert (kegen["geonames_id"], kegen["where_prec"], kegen["contributor"]) == (1522818, "exact", "historian")
    client = create_app({"STORE": published[0], "TESTING": True}).test_client()
    feature = client.get("/collections/incidents/items/kegen-1929-04").get_json()
    assert (feature["properties"]["contributor"], feature["properties"]["submission"]) == ("historian", "ogpu")
    archive = zipfile.ZipFile(io.BytesIO(client.get("/collections/incidents/download?format=csv").data))
    assert "historian,ogpu" in archive.read("incidents.csv").decode()
    page = client.get("/incidents/kegen-1929-04").get_data(as_text=True)
    assert "historian" in page and "ogpu" in page


def test_the_history_says_who_did_what_when_and_from_which_file(published):
    history = ContributionStore(published[1]).history("ogpu")
    assert [(h["who"], h["action"]) for h in history] == [
        ("historian", "import"), ("historian", "check"), ("historian", "choose"), ("historian", "check"),
        ("historian", "submit"), ("historian", "accept")]  # fmt: skip
    assert history[0]["file_name"] == "ogpu.csv" and history[-1]["why"] == "published from the command line"
    assert json.dumps(history[2]["what"]) == '{"row": 2, "field": "location.place", "choice": "geonames:1522818"}'


def test_import_without_a_layer_takes_the_one_its_columns_fit(tmp_path, built, capsys):
    from tests.contrib.conftest import TWO_INCIDENTS

    (tmp_path / "cli.csv").write_text(TWO_INCIDENTS, encoding="utf-8")
    base = ["--contributions", str(tmp_path / "c.sqlite"), "--store", str(built[0]), "--by", "h"]
    assert main([*base, "import", str(tmp_path / "cli.csv"), "--as", "x"]) == 1  # a name to choose, no error
    out = capsys.readouterr().out.splitlines()
    assert out[:2] == ["no --layer given: its columns are those of the incidents layer; taken as incidents",
                       "imported cli.csv as x"]  # fmt: skip
    assert ContributionStore(tmp_path / "c.sqlite").get("x")["layer"] == "incidents"
    (tmp_path / "odd.csv").write_text("colour,size\nred,2\n", encoding="utf-8")
    assert main([*base, "import", str(tmp_path / "odd.csv")]) == 2
    assert "its columns fit no one layer of the atlas; add --layer LAYER, one of incidents" in capsys.readouterr().err


def test_a_file_the_atlas_has_already_says_nothing_new(tmp_path, built, download, capsys):
    base = ["--contributions", str(tmp_path / "c.sqlite"), "--store", str(built[0]), "--by", "h"]
    again = str(download("incidents", "geojson"))
    assert main([*base, "import", again, "--layer", "incidents", "--as", "again"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == "again: nothing new: every row is as the atlas has it; nothing to fix and nothing to submit"
    assert "needs work" not in "\n".join(out)
