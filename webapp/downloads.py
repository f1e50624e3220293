"""Downloads in the formats GIS users open: GeoJSON, GeoPackage, CSV (WKT) and KML.

Every file carries the dataset's citation and licence: GeoJSON as foreign members, GeoPackage
in its metadata, CSV and the whole-dataset GeoJSON in a zip beside a README, KML in the
document's description. Downloads take the same filters as the items endpoint.
"""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
from flask import Blueprint, Response, request

from layers import schema
from layers import texts as reader
from layers.dates import parse_partial
from webapp import geojson, kml, params, qgis
from webapp.api import check_collection, collection_ids, item_query
from webapp.store import get_store

bp = Blueprint("downloads", __name__)

TITLE = schema.TITLE
SOURCE = (
    "N.N. Ablazhey, A.S. Zhanbossinova, “Kazakh-Xinjiang Section of Soviet-Chinese Border in the Second Half of "
    "the 1920s – the First Half of the 1930s”, RUDN Journal of Russian History 25(2), 2026, 268–283, "
    "doi:10.22363/2312-8674-2026-25-2-268-283; further sources cited per feature"
)
GPKG_NAME = "border-atlas.gpkg"
LICENCE = (
    "ODbL 1.0 (Open Data Commons Open Database License): geometries derived from OpenStreetMap, "
    "© OpenStreetMap contributors"
)


def citation(version: str) -> str:
    """The dataset citation with its data version."""
    return f"{TITLE}. Data version {version}. Sources: {SOURCE}. Licence: {LICENCE}."


def _plain_frame(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Lists and mappings as JSON text; dates typed as dates (start_date/end_date) beside the partial text."""
    out = frame.copy()
    for column in out.columns.drop(out.geometry.name):
        out[column] = out[column].map(schema.encode)
    out["start_date"] = pd.to_datetime([parse_partial(v)[0] if v else None for v in frame["start"]])
    out["end_date"] = pd.to_datetime([parse_partial(v)[1] if v else None for v in frame["end"]])
    return out


def _geojson_bytes(cid: str, frame: gpd.GeoDataFrame, version: str) -> bytes:
    body = {
        "type": "FeatureCollection",
        "name": cid,
        "title": TITLE,
        "citation": citation(version),
        "licence": LICENCE,
        "features": geojson.features(frame),
    }
    return json.dumps(body, ensure_ascii=False, allow_nan=False).encode()


def _gpkg_bytes(frames: dict[str, gpd.GeoDataFrame], store) -> bytes:
    """The layers in one GeoPackage, each with its QGIS style (QML and SLD) in the `layer_styles` table."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / GPKG_NAME
        _write_gpkg(path, frames, store)
        return path.read_bytes()


def _write_gpkg(path: Path, frames: dict[str, gpd.GeoDataFrame], store) -> None:
    version = store.version
    metadata = {"TITLE": TITLE, "DESCRIPTION": citation(version), "LICENSE": LICENCE, "VERSION": version}
    for cid, frame in frames.items():
        pyogrio.write_dataframe(
            _plain_frame(frame), path, layer=cid, driver="GPKG", dataset_metadata=metadata, layer_metadata=metadata
        )
    pyogrio.write_dataframe(_sources_table(frames), path, layer="sources", driver="GPKG")
    qgis.write_layer_styles(path, list(frames), qgis.zone_list(store.frame("zones")))


def _sources_table(frames: dict[str, gpd.GeoDataFrame]) -> pd.DataFrame:
    """One row per feature and citation (joined to a layer by `collection` and `feature_id`)."""
    rows = reader.citation_rows(frames)
    columns = ["collection", "feature_id", "document", "cited_as", "note", "locator", "reference", "quote", "passage"]
    table = pd.DataFrame(rows, columns=["layer", "id", *columns[2:]]).rename(
        columns={"layer": "collection", "id": "feature_id"}
    )
    return table.astype({"note": "string"})


def _qgis_bytes(frames: dict[str, gpd.GeoDataFrame], store) -> bytes:
    """A zip of a QGIS project of the atlas and the GeoPackage it opens, with the README."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / GPKG_NAME
        _write_gpkg(path, frames, store)
        project = qgis.project(GPKG_NAME, list(frames), qgis.zone_list(store.frame("zones")))
        return _zip({"border-atlas.qgs": project, GPKG_NAME: path.read_bytes()}, store.version)


def _kml_bytes(cid: str, frame: gpd.GeoDataFrame, store) -> bytes:
    return kml.document(cid, frame, TITLE, citation(store.version))


# A CSV cell a spreadsheet would take for a formula (OWASP, "CSV Injection") gets a leading single quote.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _neutralise(column: pd.Series) -> pd.Series:
    if not (pd.api.types.is_object_dtype(column) or pd.api.types.is_string_dtype(column)):
        return column
    text = column.astype("string")
    return column.where(~text.str.startswith(FORMULA_START).fillna(False), "'" + text)


def _csv_text(frame: gpd.GeoDataFrame) -> str:
    out = _plain_frame(frame)
    out["geometry_wkt"] = [g.wkt if g is not None else "" for g in frame.geometry]
    return _table_csv(pd.DataFrame(out.drop(columns=out.geometry.name)))


def _table_csv(table: pd.DataFrame) -> str:
    """RFC 4180 (a cell holding a CR is quoted), no cell a spreadsheet would run as a formula."""
    return table.apply(_neutralise).to_csv(index=False, lineterminator="\r\n")


def _readme(version: str, files: list[str]) -> str:
    return (
        f"{TITLE}\n\nCitation: {citation(version)}\n\nLicence: {LICENCE}\n\nFiles: {', '.join(files)}\n"
        "Coordinates: WGS84 longitude/latitude (EPSG:4326). CSV geometries are WKT. Lists are JSON text.\n"
        "start/end are ISO 8601 dates as precise as the source (1927, 1927-08, 1927-08-18); start_date/end_date\n"
        "are the earliest and latest days they can mean.\n"
    )


def _zip(files: dict[str, bytes | str], version: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", _readme(version, sorted(files)))
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _send(data: bytes, filename: str, mimetype: str) -> Response:
    return Response(data, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _areas_named_by(frame: gpd.GeoDataFrame, store) -> dict[str, gpd.GeoDataFrame]:
    """{"areas": the areas of possibility the frame's features are placed in}, or {} when there are none."""
    if "area_id" not in frame or "areas" not in store.collections():
        return {}
    named = {a for a in frame["area_id"] if a}
    areas = store.frame("areas")
    return {"areas": areas[areas["id"].isin(named)]} if named else {}


def _geojson_zip(frames: dict[str, gpd.GeoDataFrame], store) -> bytes:
    return _zip({f"{cid}.geojson": _geojson_bytes(cid, f, store.version) for cid, f in frames.items()}, store.version)


# format -> (writer of one collection (id, frame, store), file extension, media type). A GeoPackage holds the areas
# of possibility its features name as a second layer.
COLLECTION_FORMATS = {
    "geojson": (lambda cid, f, store: _geojson_bytes(cid, f, store.version), "geojson", "application/geo+json"),
    "gpkg": (
        lambda cid, f, store: _gpkg_bytes({cid: f, **_areas_named_by(f, store)}, store),
        "gpkg",
        "application/geopackage+sqlite3",
    ),
    "csv": (
        lambda cid, f, store: _zip(
            {f"{cid}.csv": _csv_text(f), "sources.csv": _table_csv(_sources_table({cid: f}))}, store.version
        ),
        "csv.zip",
        "application/zip",
    ),
    "kml": (_kml_bytes, "kml", "application/vnd.google-earth.kml+xml"),
}
# format -> (writer of every collection ({id: frame}, store), file extension, media type)
DATASET_FORMATS = {
    "gpkg": (_gpkg_bytes, "gpkg", "application/geopackage+sqlite3"),
    "geojson": (_geojson_zip, "geojson.zip", "application/zip"),
    "qgis": (_qgis_bytes, "qgis.zip", "application/zip"),
}


def _format(allowed) -> str:
    value = request.args.get("format", "geojson")
    if value not in allowed:
        raise params.QueryError("format", f"{value!r} is not offered; allowed: {sorted(allowed)}")
    return value


@bp.get("/collections/<cid>/download")
def collection_download(cid: str):
    """One collection as a file, with the items endpoint's filters (datetime, bbox, properties)."""
    check_collection(cid)
    query = item_query(cid, extra={"format"})
    fmt = _format(COLLECTION_FORMATS)
    store = get_store()
    frame, _ = store.query(cid, **query)
    writer, extension, mimetype = COLLECTION_FORMATS[fmt]
    return _send(writer(cid, frame, store), f"border-atlas-{cid}.{extension}", mimetype)


@bp.get("/download")
def dataset_download():
    """Every collection in one file: a GeoPackage with all layers, a zip of GeoJSON files, or a QGIS project."""
    params.check_known(request.args, {"format", "datetime", "bbox"})
    fmt = _format(DATASET_FORMATS)
    store = get_store()
    period = params.parse_datetime(request.args["datetime"], store.first_date()) if "datetime" in request.args else None
    bbox = params.parse_bbox(request.args["bbox"]) if "bbox" in request.args else None
    frames = {cid: store.query(cid, period=period, bbox=bbox)[0] for cid in collection_ids()}
    writer, extension, mimetype = DATASET_FORMATS[fmt]
    return _send(writer(frames, store), f"border-atlas.{extension}", mimetype)
