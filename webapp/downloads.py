"""Downloads in the formats GIS users open: GeoJSON, GeoPackage, CSV (WKT) and KML.

Every file carries the dataset's citation and licence: GeoJSON as foreign members, GeoPackage
in its metadata, CSV and the whole-dataset GeoJSON in a zip beside a README, KML in the
document's description. Downloads take the same filters as the items endpoint.
"""

from __future__ import annotations

import functools
import io
import json
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing
from pathlib import Path
from typing import IO

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely
from flask import Blueprint, Response, has_request_context, request
from werkzeug.wsgi import wrap_file

from evidence import texts as reader
from layers import schema
from layers.dates import parse_partial
from store.tables import add_columns, gpkg_connect
from webapp import certainty, kml, params, pinned, qgis
from webapp.api import FILTERS, check_collection, collection_ids, item_query
from webapp.store import get_store

bp = Blueprint("downloads", __name__)
CHUNK = 64 * 1024  # bytes per write of a streamed download
SLICE_POINTS = 20_000  # coordinates of the rows a streamed CSV or KML download makes at a time (about 1 MB as text)
GPKG_NAME = "border-atlas.gpkg"

TITLE = "Border Atlas: the Kazakh–Xinjiang section of the Soviet–Chinese border, 1918–1940"
SOURCE = (
    "N.N. Ablazhey, A.S. Zhanbossinova, “Kazakh-Xinjiang Section of Soviet-Chinese Border in the Second Half of "
    "the 1920s – the First Half of the 1930s”, RUDN Journal of Russian History 25(2), 2026, 268–283, "
    "doi:10.22363/2312-8674-2026-25-2-268-283; further sources cited per feature"
)
LICENCE = (
    "ODbL 1.0 (Open Data Commons Open Database License): geometries derived from OpenStreetMap, "
    "© OpenStreetMap contributors"
)


def citation(version: str) -> str:
    """The dataset citation: in a request, its release and this download's pinned URL (webapp/pinned.py), else
    the data version."""
    words = f"Data version {version}"
    if has_request_context():
        store = get_store()
        words = f"{pinned.data_words(store)}. {pinned.cite_url(request.url, store)}"
    return f"{TITLE}. {words}. Sources: {SOURCE}. Licence: {LICENCE}."


# The first and last day the partial `start`/`end` (1927, 1927-08) can mean, as GeoPackage DATE columns.
DAYS = {"start_date": "DATE", "end_date": "DATE"}


def _plain_frame(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Lists and mappings as JSON text; beside the partial dates (start, end, as precise as the source), the first
    and last day they can mean (start_date, end_date: YYYY-MM-DD)."""
    out = frame.copy()
    for column in out.columns.drop(out.geometry.name):
        out[column] = out[column].map(schema.encode)
    out["start_date"] = [parse_partial(v)[0].isoformat() if v else None for v in frame["start"]]
    out["end_date"] = [parse_partial(v)[1].isoformat() if v else None for v in frame["end"]]
    return out


def _geojson_parts(cid: str, texts: Iterable[bytes], cited: str) -> Iterator[bytes]:
    """A collection as GeoJSON, its features the stored texts (UTF-8) as the store reads them (never all in memory)."""
    head = {"type": "FeatureCollection", "name": cid, "title": TITLE, "citation": cited, "licence": LICENCE}
    yield json.dumps(head, ensure_ascii=False)[:-1].encode() + b', "features": ['
    for i, text in enumerate(texts):
        if i:
            yield b","
        yield text
    yield b"]}"


def _chunks(parts: Iterable[bytes], size: int = CHUNK) -> Iterator[bytes]:
    """The parts joined into chunks of about `size` bytes (one write each, not one per feature); a part of that size
    or more is sent as it is (a 2 MB zone is not copied once more)."""
    buffer, held = [], 0
    for part in parts:
        if len(part) >= size:
            if buffer:
                yield b"".join(buffer)
                buffer, held = [], 0
            yield part
            continue
        buffer.append(part)
        held += len(part)
        if held >= size:
            yield b"".join(buffer)
            buffer, held = [], 0
    if buffer:
        yield b"".join(buffer)


def _gpkg_write(frames: dict[str, gpd.GeoDataFrame], store, path: Path) -> None:
    """The layers in one GeoPackage, their citations in a `sources` table, each layer with its QGIS style (QML and
    SLD) in the `layer_styles` table."""
    metadata = {"TITLE": TITLE, "DESCRIPTION": citation(store.version), "LICENSE": LICENCE, "VERSION": store.version}
    days = {}
    for cid, frame in frames.items():
        plain = _plain_frame(frame)
        table = plain.drop(columns=list(DAYS))
        pyogrio.write_dataframe(
            table, path, layer=cid, driver="GPKG", dataset_metadata=metadata, layer_metadata=metadata
        )
        days[cid] = list(zip(*(plain[c] for c in DAYS), range(1, len(plain) + 1), strict=True))  # GDAL's fids: 1..n
    with closing(gpkg_connect(path)) as db, db:  # typed DATE, which GDAL's GeoPackage writer has no way to ask for
        for cid, rows in days.items():
            add_columns(db, cid, DAYS, rows)
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


# A CSV cell a spreadsheet would take for a formula (OWASP, "CSV Injection") gets a leading single quote.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _neutralise(column: pd.Series) -> pd.Series:
    if not (pd.api.types.is_object_dtype(column) or pd.api.types.is_string_dtype(column)):
        return column
    text = column.astype("string")
    return column.where(~text.str.startswith(FORMULA_START).fillna(False), "'" + text)


def _csv_text(frame: gpd.GeoDataFrame, header: bool = True) -> str:
    out = _plain_frame(frame)
    out["geometry_wkt"] = [g.wkt if g is not None else "" for g in frame.geometry]
    return _table_csv(pd.DataFrame(out.drop(columns=out.geometry.name)), header)


def _table_csv(table: pd.DataFrame, header: bool = True) -> str:
    """RFC 4180 (a cell holding a CR is quoted), no cell a spreadsheet would run as a formula."""
    return table.apply(_neutralise).to_csv(index=False, lineterminator="\r\n", header=header)


def _slices(frame: gpd.GeoDataFrame, points: int = SLICE_POINTS) -> Iterator[gpd.GeoDataFrame]:
    """The frame in slices of consecutive rows of about `points` coordinates in all (one row at least; the empty
    frame once): what a streamed download makes at a time."""
    start, held = 0, 0
    for i, count in enumerate(shapely.get_num_coordinates(frame.geometry.values)):
        if held and held + count > points:
            yield frame.iloc[start:i]
            start, held = i, 0
        held += count + 1
    if held or not len(frame):
        yield frame.iloc[start:]


def _csv_parts(frame: gpd.GeoDataFrame, points: int = SLICE_POINTS) -> Iterator[bytes]:
    """The frame as CSV, made a slice at a time (the header with the first)."""
    for i, part in enumerate(_slices(frame, points)):
        yield _csv_text(part, header=i == 0).encode()


def _readme(version: str, files: list[str]) -> str:
    return (
        f"{TITLE}\n\nCitation: {citation(version)}\n\nLicence: {LICENCE}\n\nFiles: {', '.join(files)}\n"
        "Coordinates: WGS84 longitude/latitude (EPSG:4326). CSV geometries are WKT. Lists are JSON text.\n"
        "start/end are ISO 8601 dates as precise as the source (1927, 1927-08, 1927-08-18); start_date/end_date\n"
        "are the earliest and latest days they can mean.\n"
    )


def _zip_write(files: dict[str, Callable[[IO[bytes]], None]], version: str, path: Path) -> None:
    """A zip at `path` of a README and each file written by its writer into its member (streamed, not held)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", _readme(version, sorted(files)))
        for name, write in files.items():
            with archive.open(name, "w") as member:
                write(member)


class _Sink(io.RawIOBase):
    """An unseekable file that keeps what is written until it is taken (a zip made as it is sent)."""

    def __init__(self):
        super().__init__()
        self.parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        taken, self.parts = b"".join(self.parts), []
        return taken


def _zip_parts(members: dict[str, Callable[[], Iterable[bytes]]], readme: str) -> Iterator[bytes]:
    """A zip of the README and each member's parts, made as it is sent (each member started when its turn comes;
    the README's text is made before, in the request: it cites the request's URL)."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", readme)
        for name, parts in members.items():
            with archive.open(name, "w") as member:
                for part in parts():
                    member.write(part)
                    yield sink.take()
    yield sink.take()


def _on_disk(write: Callable[[Path], None], suffix: str = "") -> IO[bytes]:
    """A file made by `write(path)` in a temporary directory, opened and unlinked: sent from disk, gone once closed."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"download{suffix}"
        write(path)
        return path.open("rb")


def _send(body: Iterable[bytes] | IO[bytes], filename: str, mimetype: str) -> Response:
    """A download: a stream of parts, or an open file (sent from disk by the server, in chunks)."""
    if hasattr(body, "read"):
        body = wrap_file(request.environ, body)
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return Response(body, mimetype=mimetype, headers=headers, direct_passthrough=True)


def _geojson_file(cid: str, store, query: dict) -> Iterable[bytes]:
    return _chunks(_geojson_parts(cid, store.texts(cid, **query), citation(store.version)))


def _gpkg_file(cid: str, store, query: dict) -> IO[bytes]:
    """The collection and the areas of possibility its features name (a second layer, `areas`)."""
    frame, _ = store.query(cid, **query)
    frames = {cid: frame, **_areas_named_by(frame, store)}
    return _on_disk(functools.partial(_gpkg_write, frames, store), ".gpkg")


def _csv_file(cid: str, store, query: dict) -> Iterable[bytes]:
    """The collection as CSV and its citations as sources.csv, in a zip with the README, made as it is sent."""
    frame, _ = store.query(cid, **query)
    members = {
        f"{cid}.csv": functools.partial(_csv_parts, frame),
        "sources.csv": lambda: [_table_csv(_sources_table({cid: frame})).encode()],
    }
    return _chunks(_zip_parts(members, _readme(store.version, sorted(members))))


def _write_text(text: str, member: IO[bytes]) -> None:
    member.write(text.encode())


def _kml_file(cid: str, store, query: dict) -> Iterable[bytes]:
    """The collection as KML, each placemark made as it is sent."""
    frame, _ = store.query(cid, **query)
    return _chunks(kml.parts(cid, frame, _slices(frame), TITLE, citation(store.version)))


def _dataset_gpkg(store, query: dict) -> IO[bytes]:
    frames = {cid: store.query(cid, **query)[0] for cid in collection_ids()}
    return _on_disk(functools.partial(_gpkg_write, frames, store), ".gpkg")


def _dataset_geojson(store, query: dict) -> IO[bytes]:
    files = {f"{cid}.geojson": functools.partial(_write_parts, cid, store, query) for cid in collection_ids()}
    return _on_disk(functools.partial(_zip_write, files, store.version))


def _dataset_qgis(store, query: dict) -> IO[bytes]:
    """A zip of a QGIS project of the atlas and the GeoPackage it opens, with the README."""
    frames = {cid: store.query(cid, **query)[0] for cid in collection_ids()}
    project = qgis.project(GPKG_NAME, list(frames), qgis.zone_list(store.frame("zones")))
    files = {
        "border-atlas.qgs": functools.partial(_write_text, project),
        GPKG_NAME: functools.partial(_write_gpkg_member, frames, store),
    }
    return _on_disk(functools.partial(_zip_write, files, store.version))


def _write_gpkg_member(frames: dict[str, gpd.GeoDataFrame], store, member: IO[bytes]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / GPKG_NAME
        _gpkg_write(frames, store, path)
        with path.open("rb") as made:
            while chunk := made.read(CHUNK):
                member.write(chunk)


def _write_parts(cid: str, store, query: dict, member: IO[bytes]) -> None:
    for chunk in _geojson_file(cid, store, query):
        member.write(chunk)


# format -> (writer of one collection from the store and the query: the body, file extension, media type)
COLLECTION_FORMATS = {
    "geojson": (_geojson_file, "geojson", "application/geo+json"),
    "gpkg": (_gpkg_file, "gpkg", "application/geopackage+sqlite3"),
    "csv": (_csv_file, "csv.zip", "application/zip"),
    "kml": (_kml_file, "kml", "application/vnd.google-earth.kml+xml"),
}
# format -> (writer of every collection from the store and the query, file extension, media type)
DATASET_FORMATS = {
    "gpkg": (_dataset_gpkg, "gpkg", "application/geopackage+sqlite3"),
    "geojson": (_dataset_geojson, "geojson.zip", "application/zip"),
    "qgis": (_dataset_qgis, "qgis.zip", "application/zip"),
}


def _format(allowed) -> str:
    return params.parse_choice("format", request.args.get("format", "geojson"), allowed, "offered")


@bp.get("/collections/<cid>/download")
def collection_download(cid: str):
    """One collection as a file, with the items endpoint's filters (datetime, bbox, properties)."""
    check_collection(cid)
    query = item_query(cid, extra={"format"})
    fmt = _format(COLLECTION_FORMATS)
    writer, extension, mimetype = COLLECTION_FORMATS[fmt]
    return _send(writer(cid, certainty.Marking(get_store()), query), f"border-atlas-{cid}.{extension}", mimetype)


def _areas_named_by(frame: gpd.GeoDataFrame, store) -> dict[str, gpd.GeoDataFrame]:
    """{"areas": the areas of possibility the frame's features are placed in}, or {} when there are none."""
    if "area_id" not in frame or "areas" not in store.collections():
        return {}
    named = {a for a in frame["area_id"] if a}
    areas = store.frame("areas")
    return {"areas": areas[areas["id"].isin(named)]} if named else {}


@bp.get("/download")
def dataset_download():
    """Every collection in one file: a GeoPackage with all layers, a zip of GeoJSON files, or a QGIS project."""
    params.check_known(request.args, {"format"} | FILTERS)
    fmt = _format(DATASET_FORMATS)
    store = certainty.Marking(get_store())
    writer, extension, mimetype = DATASET_FORMATS[fmt]
    return _send(
        writer(store, params.parse_filters(request.args, store.first_date())), f"border-atlas.{extension}", mimetype
    )
