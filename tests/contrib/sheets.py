"""Spreadsheets the contributions tests fill in: rows of the XLSX template, hostile workbooks."""

from __future__ import annotations

import io
import zipfile

from openpyxl import load_workbook

from contrib import templates

GOOD = {
    "name": "Detention of two herders near Narynkol",
    "event_type": "detention",
    "start": "1928-05-02",
    "end": "1928-05-02",
    "date_precision": "day",
    "date_text": "On 2 May 1928",
    "actors": '[{"who": "two herders", "side": "China"}]',
    "counts": '{"detained": {"low": 2, "best": 2, "high": 2, "approximate": false}}',
    "direction": "into_ussr",
    "location_text": "у Нарынкола",
    "location_place": "у Нарынкола",
    "quote": "two herders detained at the ford near Narynkol",
    "cite_archive": "SGA KNB RK, f. 9, op. 1, d. 438",
    "cite_locator": "l. 12",
    "cite_quote": "задержаны два пастуха у брода близ Нарынкола",
}


def incident(**cells) -> dict:
    """A row of the incidents template: a good detention with `cells` changed (None empties a cell)."""
    return GOOD | cells


def workbook(path, rows: list[dict], layer: str = "incidents") -> None:
    """The layer's XLSX template with `rows` filled in, saved at `path`."""
    book = load_workbook(io.BytesIO(templates.xlsx_bytes(layer)))
    sheet, columns = book[layer], templates.columns(layer)
    for row in rows:
        sheet.append([row.get(c) for c in columns])
    book.save(path)


def zip_bomb(path, unpacked: int = 600 * 2**20) -> None:
    """An .xlsx that is a zip whose sheet unpacks to `unpacked` bytes of zeros from well under 1 MB."""
    chunk = b"0" * 2**20
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            for _ in range(unpacked // len(chunk)):
                member.write(chunk)


CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
BOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
    'Target="sharedStrings.xml"/></Relationships>'
)
BOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    ' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    '<sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def raw_xlsx(path, name: str, strings: list[str], rows) -> None:
    """A minimal XLSX written by hand: `rows` of cells, each an index into the shared `strings`."""
    from xml.sax.saxutils import escape

    shared = "".join(f"<si><t>{escape(s)}</t></si>" for s in strings)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", RELS)
        archive.writestr("xl/_rels/workbook.xml.rels", BOOK_RELS)
        archive.writestr("xl/workbook.xml", BOOK.format(name=name))
        archive.writestr("xl/sharedStrings.xml", f'<sst xmlns="{MAIN}">{shared}</sst>')
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(f'<worksheet xmlns="{MAIN}"><sheetData>'.encode())
            for number, cells in enumerate(rows, 1):
                xml = "".join(f'<c t="s"><v>{index}</v></c>' for index in cells)
                sheet.write(f'<row r="{number}">{xml}</row>'.encode())
            sheet.write(b"</sheetData></worksheet>")


def wide_csv_zip(megabytes: int = 62) -> bytes:
    """A CSV zip of about 73 KB whose CSV is a header and one row of `megabytes` MB of one-letter cells (32 million
    of them): each member within the zip-bomb ratio, costly only once it is read."""
    buffer, letters = io.BytesIO(), b"bcdefgh"
    block = bytearray(b"a," * 2**19)
    for n, i in enumerate(range(0, len(block), 16384)):  # a letter here and there: under the ratio refused as a bomb
        block[i] = letters[n % len(letters)]
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        with archive.open("incidents.csv", "w") as member:
            member.write(b"id,name\r\n")
            for _ in range(megabytes * 2**20 // len(block)):
                member.write(bytes(block))
    return buffer.getvalue()


def xlsx_with_dtd(path) -> None:
    """An XLSX whose sheet declares a document type with entities, each expanding the one before ten times."""
    entities = '<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {b} "{("&" + a + ";") * 10}">' for a, b in zip("abcdefg", "bcdefgh", strict=True)
    )
    sheet = (
        f'<?xml version="1.0"?><!DOCTYPE worksheet [{entities}]><worksheet xmlns="{MAIN}"><sheetData>'
        '<row r="1"><c t="inlineStr"><is><t>id</t></is></c></row>'
        '<row r="2"><c t="inlineStr"><is><t>&h;</t></is></c></row></sheetData></worksheet>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", RELS)
        archive.writestr("xl/_rels/workbook.xml.rels", BOOK_RELS)
        archive.writestr("xl/workbook.xml", BOOK.format(name="incidents"))
        archive.writestr("xl/sharedStrings.xml", f'<sst xmlns="{MAIN}"></sst>')
        archive.writestr("xl/worksheets/sheet1.xml", sheet)


def gpkg_with_view(path, select: str) -> None:
    """A GeoPackage whose layer `incidents` is a view: `select`'s columns (it may name `t`, a table of one point)."""
    import sqlite3
    from contextlib import closing

    import geopandas as gpd
    from shapely.geometry import Point

    gpd.GeoDataFrame({"id": ["a"]}, geometry=[Point(80, 44)], crs=4326).to_file(path, layer="t", driver="GPKG")
    with closing(sqlite3.connect(path)) as db, db:
        db.execute(f"CREATE VIEW incidents AS {select}")
        db.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) "
                   "VALUES ('incidents', 'features', 'incidents', 4326)")  # fmt: skip
        db.execute("INSERT INTO gpkg_geometry_columns VALUES ('incidents', 'geom', 'POINT', 4326, 0, 0)")
