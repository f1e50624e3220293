"""A small, fast build for the tests that publish many times: the real sources, drawn on the border line and the
Soviet side simplified by 0.01° (the zones and the areas of possibility are most of a build's time)."""

from __future__ import annotations

import shutil
from pathlib import Path

import geopandas as gpd

from layers.build import REFERENCE

TOLERANCE = 0.01  # degrees: about 1 km


def simplified_reference(folder: Path) -> Path:
    """A copy of data/reference at `folder` whose border line and land are simplified."""
    shutil.copytree(REFERENCE, folder)
    for name in ("border.geojson", "soviet_side.geojson"):
        frame = gpd.read_file(REFERENCE / name)
        frame.geometry = frame.geometry.simplify(TOLERANCE)
        frame.to_file(folder / name, driver="GeoJSON")
    return folder


def incident_csv(ident: str, name: str = "Detention at Jarkent", archive: str = "SGA KNB RK, f. 9, op. 1, d. 441",
                 locator: str = "l. 7") -> str:  # fmt: skip
    """A CSV of one incident at Jarkent (an atlas place: nothing to choose), citing an archival file."""
    quoted = archive.replace('"', '""')
    return (
        "id,name,event_type,start,end,date_precision,date_text,location_text,location_place,quote,cite_archive,"
        "cite_locator,cite_quote\r\n"
        f"{ident},{name},detention,1930,1930,year,In 1930,at Jarkent,jarkent,two smugglers were detained in Jarkent,"
        f'"{quoted}","{locator}",двое контрабандистов задержаны в Джаркенте в тот день\r\n'
    )
