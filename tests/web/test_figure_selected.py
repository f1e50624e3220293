"""/figure?sel=: the features a view or a tour step selects, ringed above everything with a key in the legend; the
map URL the caption cites keeps the first; an id the atlas does not have is a 400 naming `sel`."""

from __future__ import annotations

from tests.web.test_figure import flat, svg_text

VIEW = "/figure?year=1931&c=46.5,82.5&z=7&format=svg"


def test_selected_features_are_ringed_and_keyed(app):
    client = app.test_client()
    plain = client.get(VIEW).get_data(as_text=True)
    assert 'id="selected-' not in plain and "Selected" not in flat(svg_text(plain.encode()))
    data = client.get(VIEW + "&sel=zaysan-1931-02-11,households-to-western-china-ogpu").get_data(as_text=True)
    assert 'id="selected-points"' in data and 'id="selected-lines"' in data  # a point ringed, a flow haloed
    text = flat(svg_text(data.encode()))
    assert "Selected" in text and "sel=zaysan-1931-02-11" in text


def test_a_feature_the_atlas_has_not_is_refused_by_name(app):
    answer = app.test_client().get(VIEW + "&sel=zaysan-1931-02-11,nowhere")
    assert answer.status_code == 400 and answer.get_json()["parameter"] == "sel"
    assert "'nowhere'" in answer.get_json()["description"]
