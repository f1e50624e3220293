"""Reading a contributed file into rows of cells: CSV, XLSX, GeoJSON, GeoPackage, Linked Places Format.

Every file is read in a child process bounded in processor time, memory and wall-clock time (contrib.sandbox),
and every reader is bounded too: the file's size, a zip's unpacked size and ratio (a zip bomb is refused before
it is opened), the number of rows, the length of a cell and the depth of JSON (LIMITS). Nothing is evaluated: an
XLSX is read without computing formulas (a formula is kept as its text), without following external links and
without a DTD; a GeoPackage whose tables include a view is refused (a view runs SQL when it is read); a CSV cell
the atlas's downloads protected with a leading quote gets it removed. A file that cannot be read raises ReadError
naming the file and what is allowed.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import IO

from shapely.geometry import shape

from contrib import gpkg, lpf, sandbox, xlsx
from contrib.limits import LIMITS, ReadError, check_name, check_zip, megabytes, too_deep
from contrib.table import Row, Table


def read(path: Path, name: str | None = None, collection: str | None = None) -> Table:
    """Read a contributed file by its extension (READERS), in a bounded child process; `name` is the file name
    messages show."""
    shown = name or Path(path).name
    check_name(shown)
    return sandbox.run(read_here, path, shown, collection)


def read_here(path: Path, shown: str, collection: str | None = None) -> Table:
    """Read a contributed file in this process (`read` calls it in a bounded child)."""
    path = Path(path)
    size = path.stat().st_size
    if size > LIMITS["file_bytes"]:
        raise ReadError(
            shown, f"the file is {size / 2**20:,.1f} MB; allowed: at most {megabytes(LIMITS['file_bytes'])}"
        )
    suffix = _suffix(shown)
    reader = READERS.get(suffix)
    if reader is None:
        raise ReadError(shown, f"files ending {suffix or '(nothing)'} are not read; allowed: {', '.join(READERS)}")
    return reader(path, shown, collection)


def _suffix(name: str) -> str:
    lower = name.lower()
    return next((s for s in sorted(READERS, key=len, reverse=True) if lower.endswith(s)), Path(lower).suffix)


# --- CSV ---------------------------------------------------------------------------------------------------


def _read_csv(path: Path, name: str, collection: str | None) -> Table:
    with open(path, "rb") as raw:
        return csv_table(raw, name)


def csv_table(raw: IO[bytes], name: str) -> Table:
    """A CSV (UTF-8, comma-separated, a header row) as a Table, decoded as it is read (never whole in memory twice)."""
    csv.field_size_limit(LIMITS["file_bytes"])  # a long cell is read, then reported by the checks
    reader = csv.reader(io.TextIOWrapper(raw, encoding="utf-8-sig", newline=""))
    try:
        header = next(reader, None)
        if not header:
            raise ReadError(name, "the file is empty; allowed: a header row, then one row per record")
        columns = [c.strip() for c in header]
        rows = [_csv_row(reader.line_num, columns, values, name) for values in _bounded(reader, name)]
    except csv.Error as exc:
        allowed = "comma-separated cells, quoted as CSV quotes them"
        raise ReadError(name, f"line {reader.line_num}: {exc}; allowed: {allowed}") from None
    except UnicodeDecodeError:
        raw.seek(0)
        line = next((n for n, text in enumerate(raw, 1) if not _utf8(text)), reader.line_num + 1)
        raise ReadError(name, f"line {line} is not UTF-8 text; allowed: a CSV saved as UTF-8") from None
    return Table(name, "csv", columns, [r for r in rows if r is not None], letters=_letters(columns))


def _utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _bounded(reader, name: str):
    for count, values in enumerate(reader, 1):
        if count > LIMITS["rows"]:
            raise ReadError(name, f"more than {LIMITS['rows']:,} rows; allowed: at most {LIMITS['rows']:,}")
        yield values


def _csv_row(number: int, columns: list[str], values: list[str], name: str) -> Row | None:
    if not any(v.strip() for v in values):
        return None
    cells = {c: _unprotect(v) if v != "" else None for c, v in zip(columns, values, strict=False)}
    return Row(number, cells)


PROTECTED = ("=", "+", "-", "@", "\t", "\r")  # what the atlas's CSV downloads prefix with a quote


def _unprotect(value: str) -> str:
    """A CSV cell without the quote a download put before a formula-like text ('=SUM(1) -> =SUM(1))."""
    return value[1:] if value.startswith("'") and value[1:].startswith(PROTECTED) else value


def _letters(columns: list[str]) -> dict:
    from openpyxl.utils import get_column_letter

    return {c: get_column_letter(i) for i, c in enumerate(columns, 1)}


def _read_csv_zip(path: Path, name: str, collection: str | None) -> Table:
    """A download's CSV zip: the layer's CSV inside it (the one named after the collection, else the first)."""
    with zipfile.ZipFile(path) as archive:
        check_zip(archive, name)
        members = [m for m in archive.namelist() if m.endswith(".csv") and m != "sources.csv"]
        if not members:
            raise ReadError(name, "no CSV in the zip; allowed: a download's zip, or a CSV")
        chosen = f"{collection}.csv" if f"{collection}.csv" in members else members[0]
        with archive.open(chosen) as member:
            return csv_table(member, f"{name}/{chosen}")


# --- GeoJSON, GeoPackage, LPF ---------------------------------------------------------------------------


def _read_json(path: Path, name: str, collection: str | None) -> Table:
    try:
        data = json.loads(path.read_bytes())
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReadError(name, f"not JSON: {exc}; allowed: a GeoJSON FeatureCollection") from None
    except RecursionError:
        data = None
    if data is None or too_deep(data):
        raise ReadError(name, f"lists and mappings nest too deeply; allowed: at most {LIMITS['depth']} levels")
    if not isinstance(data, dict) or not isinstance(data.get("features"), list):
        raise ReadError(name, "not a FeatureCollection; allowed: a GeoJSON FeatureCollection or an LPF file")
    if lpf.is_lpf(data):
        return lpf.table(data, name)
    features = data["features"]
    if len(features) > LIMITS["rows"]:
        raise ReadError(name, f"{len(features):,} features; allowed: at most {LIMITS['rows']:,}")
    rows = [_feature_row(i, f, name) for i, f in enumerate(features, 1)]
    columns = list(dict.fromkeys(c for r in rows for c in r.cells))
    return Table(name, "geojson", columns, rows)


def _feature_row(number: int, feature, name: str) -> Row:
    if not isinstance(feature, dict) or not isinstance(feature.get("properties") or {}, dict):
        raise ReadError(name, f"feature {number} is not a GeoJSON Feature with properties")
    geometry = feature.get("geometry")
    try:
        geom = shape(geometry) if geometry else None
    except (ValueError, TypeError, AttributeError, KeyError, RecursionError) as exc:
        raise ReadError(name, f"feature {number}: its geometry cannot be read ({exc})") from None
    return Row(number, dict(feature.get("properties") or {}), geom)


def _read_gpkg(path: Path, name: str, collection: str | None) -> Table:
    import pyogrio

    layers = gpkg.tables(path, name)  # ReadError for a file that is no SQLite database or holds a view
    try:
        names = [n for n, _ in pyogrio.list_layers(path)]
        layer = collection if collection in names else next((n for n in names if n not in ("sources", "areas")), None)
        if layer is None or layer not in layers:
            raise ReadError(name, "no layer in the GeoPackage; allowed: a download of the atlas, or one layer")
        frame = pyogrio.read_dataframe(path, layer=layer, max_features=LIMITS["rows"] + 1)
    except pyogrio.errors.DataSourceError as exc:
        raise ReadError(name, f"not a GeoPackage ({exc}); allowed: a .gpkg file") from None
    except (pyogrio.errors.DataLayerError, pyogrio.errors.CRSError, pyogrio.errors.GeometryError,
            pyogrio.errors.FieldError) as exc:  # fmt: skip
        raise ReadError(name, f"its layer {layer!r} cannot be read ({exc}); allowed: {gpkg.ALLOWED}") from None
    if len(frame) > LIMITS["rows"]:
        raise ReadError(name, f"more than {LIMITS['rows']:,} features; allowed: at most {LIMITS['rows']:,}")
    columns = [c for c in frame.columns if c != "geometry"]
    geometries = frame.geometry if "geometry" in frame else [None] * len(frame)
    rows = [
        Row(i, {c: _plain(v) for c, v in zip(columns, values, strict=True)}, g)
        for i, (values, g) in enumerate(zip(frame[columns].itertuples(index=False), geometries, strict=True), 1)
    ]
    return Table(f"{name}:{layer}", "gpkg", columns, rows)


def _plain(value):
    """A GeoPackage value as a Python one: NaN and NaT as None, timestamps as dates."""
    if value is None or (isinstance(value, float) and value != value):  # noqa: PLR0124 - NaN
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, datetime):
        return value.date().isoformat()
    return value.isoformat() if isinstance(value, date) else value


def _read_xlsx(path: Path, name: str, collection: str | None) -> Table:
    sheet, columns, rows, notes = xlsx.read(path, name)
    return Table(name, "xlsx", columns, [Row(n, cells) for n, cells in rows], sheet, _letters(columns), notes)


READERS = {
    ".csv": _read_csv,
    ".csv.zip": _read_csv_zip,
    ".zip": _read_csv_zip,
    ".xlsx": _read_xlsx,
    ".geojson": _read_json,
    ".json": _read_json,
    ".jsonld": _read_json,
    ".gpkg": _read_gpkg,
}
