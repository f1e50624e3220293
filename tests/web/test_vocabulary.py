"""The presentation vocabulary: every type of every layer has its look on the map, in the figure and in QGIS."""

from __future__ import annotations

import json
import math
import re
import xml.etree.ElementTree as ET

import pytest
from matplotlib.lines import Line2D
from matplotlib.markers import MarkerStyle

from layers import customs, incidents, migration, outposts, places
from webapp import qgis, vocabulary

# Each layer styled by type, and the list of its types that the build accepts.
TYPE_LISTS = {
    "places": places.FEATURE_TYPES,
    "outposts": outposts.UNIT_TYPES,
    "customs": customs.POST_TYPES,
    "incidents": incidents.EVENT_TYPES,
    "migration": migration.KINDS,
}
CODES = [(cid, code) for cid, codes in TYPE_LISTS.items() for code in codes]


@pytest.fixture(scope="module")
def page_config(app) -> dict:
    """The config the map page gives its scripts (as the page holds it)."""
    html = app.test_client().get("/map").get_data(as_text=True)
    return json.loads(re.search(r"config: (\{.*\})\s*\n", html).group(1))


@pytest.mark.parametrize(("cid", "code"), CODES)
def test_every_type_has_a_map_style_a_figure_shape_and_a_qgis_style(page_config, cid, code):
    look = vocabulary.LAYERS[cid].types[code]
    if cid == "migration":
        assert page_config["migrationColours"][code] == look.colour
        assert vocabulary.LINES[look.shape].figure in Line2D.lineStyles
    else:
        assert page_config["points"][cid]["styles"][code] == [look.size, look.colour]
        assert page_config["points"][cid]["type"] == vocabulary.LAYERS[cid].column
        MarkerStyle(vocabulary.SHAPES[look.shape].figure)  # a Matplotlib marker, or ValueError
    assert qgis_colour(cid, code) == qgis.rgba(look.colour)[: qgis.rgba(look.colour).rindex(",")]


def qgis_colour(cid: str, code: str) -> str:
    """The colour (r,g,b) of the symbol of the type `code` in the layer's QML style."""
    renderer = ET.fromstring(qgis.qml(cid, []).split("\n", 1)[1]).find("renderer-v2")
    (category,) = [c for c in renderer.find("categories") if c.get("value") == code]
    (symbol,) = [s for s in renderer.find("symbols") if s.get("name") == category.get("symbol")]
    props = {o.get("name"): o.get("value") for o in symbol.find("layer").find("Option")}
    colour = props.get("color") or props["line_color"]
    return colour[: colour.rindex(",")]


@pytest.mark.parametrize("cid", list(TYPE_LISTS))
def test_no_style_is_kept_for_a_type_the_layer_does_not_have(cid):
    assert set(vocabulary.LAYERS[cid].types) == set(TYPE_LISTS[cid])


def test_the_check_can_fail(page_config):
    """A type added to a layer without its look is caught: it has no entry, and the page has no style for it."""
    with pytest.raises(KeyError):
        vocabulary.LAYERS["incidents"].types["new_type"]
    assert "new_type" not in page_config["points"]["incidents"]["styles"]


def test_incident_types_have_distinct_shapes_for_greyscale():
    shapes = [look.shape for look in vocabulary.LAYERS["incidents"].types.values()]
    assert len(set(shapes)) == len(shapes)


def test_the_page_and_the_csp_take_the_tiles_of_the_vocabulary(page_config, client):
    policy = client.get("/map").headers["Content-Security-Policy"]
    for _, host in vocabulary.TILES.values():
        assert host in policy
    assert page_config["flowWidth"] == vocabulary.FLOW_WIDTH
    assert page_config["citeTitle"].startswith("Border Atlas: the Kazakh–Xinjiang section")


def test_flow_width_grows_with_the_count():
    assert vocabulary.flow_width(None) == vocabulary.flow_width(50) == 2.0
    assert vocabulary.flow_width(1000) == pytest.approx(4.0)
    assert vocabulary.flow_width(100_000) == pytest.approx(8.0)
    at_least = {"count": 40_000, "count_high": None, "count_open": True, "split": False, "kind": "emigration"}
    assert vocabulary.flow_widths(at_least) == (
        pytest.approx(2 + 2 * math.log10(400)),
        pytest.approx(2 + 2 * math.log10(400) + vocabulary.FLOW_WIDTH["open"]),
        True,
    ), "'at least': an open band beyond the line"
    ranged = {"count": 15_000, "count_high": 20_000, "count_open": False, "split": False, "kind": "presence"}
    assert vocabulary.flow_widths(ranged) == (2.0, None, False), "a stock: its outline, never a width"
    ranged["kind"] = "emigration"
    assert vocabulary.flow_widths(ranged) == (vocabulary.flow_width(15_000), vocabulary.flow_width(20_000), False)
    split = {"count": 400_000, "count_high": None, "count_open": True, "split": True, "kind": "emigration"}
    assert vocabulary.flow_widths(split) == (2.0, None, False), "a total not split by destination: thin, once"
