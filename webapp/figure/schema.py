"""GET /figure in the OpenAPI document (webapp/openapi.py): the parameters parse_view reads, and the answers."""

from __future__ import annotations

from webapp.figure.page import COLUMNS, DEFAULT_WIDTH, FORMATS, SOURCE_FORMATS, WIDTHS
from webapp.figure.view import PARTS
from webapp.mapview import MAX_ZOOM
from webapp.vocabulary import LANGUAGES

SUMMARY = (
    "A map view as a figure for publication (SVG, PDF, PNG) at a journal's column width, its sources "
    "(part=sources), or both in a zip (part=all)"
)
ZIP = "application/zip"
LAT_LON = r"^-?[0-9]+(\.[0-9]+)?,-?[0-9]+(\.[0-9]+)?$"


def parameters(filters: list, param) -> list:
    """The parameters of /figure: the map view's own, the width, the part and the format (`param` makes one)."""
    widths = ", ".join(f"{name} ({mm} mm)" for name, mm in COLUMNS.items())
    formats = "; ".join(f"{part}: {', '.join(kinds)}" for part, kinds in PARTS.items())
    return [
        *[p for p in filters if p["name"] in ("year", "datetime", "bbox")],
        param("c", {"type": "string", "pattern": LAT_LON}, "the centre lat,lon (with z), as in the map URL"),
        param("z", {"type": "integer", "minimum": 0, "maximum": MAX_ZOOM}, "the zoom (with c)"),
        param("off", {"type": "string"}, "the layers switched off, as the map's layer control names them"),
        param("lang", {"type": "string", "enum": sorted(LANGUAGES)}, "the label language"),
        param(
            "compare",
            next(p["schema"] for p in filters if p["name"] == "year"),  # as `year`
            "a second moment (a year or years, as `year`): two panels, and the changes between them under the caption",
        ),
        param(
            "certain",
            {"type": "string", "enum": ["0", "1"], "default": "0"},
            "1: only what is certainly there in the years (the map's 'Only what is certain'); 0: possible ones lighter",
        ),
        param("sel", {"type": "string"}, "features ringed as selected: their ids, comma-separated (the map URL's sel)"),
        param("width", {"type": "string", "enum": list(WIDTHS), "default": DEFAULT_WIDTH}, f"the column: {widths}"),
        param("part", {"type": "string", "enum": list(PARTS), "default": "figure"}, "the figure, its sources or both"),
        param(
            "format",
            {"type": "string", "enum": sorted({f for kinds in PARTS.values() for f in kinds})},
            f"file format by part, the first the default: {formats}",
        ),
    ]


def answers() -> dict:
    binary = {"schema": {"type": "string", "format": "binary"}}
    kinds = [*FORMATS.values(), *SOURCE_FORMATS.values(), ZIP]
    shapes = {"application/json": {"schema": {"type": "object"}}}
    return {"description": "the figure, its sources or both", "content": {k: shapes.get(k, binary) for k in kinds}}
