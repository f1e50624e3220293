"""Citations for reference managers: of a feature, of a view (collections, years, box) and of the whole atlas (the
last two with the atlas itself at its release), as CSL-JSON, RIS or BibTeX (evidence/citation_formats.py). Zotero
imports all three."""

from __future__ import annotations

from flask import Blueprint, Response, request

from evidence import citation_formats
from webapp import params, releases
from webapp.api import check_collection, collection_ids
from webapp.attachment import disposition
from webapp.store import get_store

bp = Blueprint("cite", __name__)


def _format() -> str:
    return params.parse_choice("format", request.args.get("format", "csl-json"), citation_formats.FORMATS, "offered")


def _send(value, name: str, first: tuple[dict, ...] = ()) -> Response:
    """The citations of `value` (features, frames' cells) in the requested format, after the items `first`, as a
    file."""
    fmt = _format()
    writer, mimetype, extension = citation_formats.FORMATS[fmt]
    documents = {d["id"]: d["csl"] for d in (get_store().meta("texts") or {}).values()}
    body = writer([*first, *citation_formats.items(value, documents)])
    return Response(body, mimetype=mimetype, headers=disposition(f"border-atlas-{name}.{extension}"))


@bp.get("/cite")
def view_citations():
    """The atlas itself (the dataset at its release) and the sources of a view (`collections`, the period, `bbox`),
    or of the whole atlas without them."""
    params.check_known(request.args, {"format", "collections", "datetime", "year", "bbox"})
    store = get_store()
    wanted = request.args.get("collections")
    if wanted is not None and not wanted.strip():
        raise params.QueryError("collections", "'' is empty; allowed: comma-separated collection ids, or leave it out")
    cids = [c.strip() for c in wanted.split(",")] if wanted else collection_ids()
    for cid in cids:
        check_collection(cid)
    period = params.parse_period(request.args, store.first_date())
    bbox = params.parse_bbox(request.args["bbox"]) if "bbox" in request.args else None
    frames = [store.query(cid, period=period, bbox=bbox)[0] for cid in cids]
    is_view = any(k in request.args for k in ("collections", "datetime", "year", "bbox"))
    cells = [frame["sources"].tolist() for frame in frames]
    return _send(cells, "view" if is_view else "atlas", (releases.atlas_item(store),))


@bp.get("/collections/<cid>/items/<fid>/cite")
def feature_citations(cid: str, fid: str):
    """The sources of one feature."""
    params.check_known(request.args, {"format"})
    check_collection(cid)
    frame = get_store().get(cid, fid)
    cells = [frame[c].tolist() for c in frame.columns if c != frame.geometry.name and frame[c].dtype == object]
    return _send(cells, f"{cid}-{fid}")
