"""What the drawing cannot say, said in words on the features: the border is today's line, a zone's
band is its nominal depth, and the settlements the text puts in a zone that lie outside its band.

003's operative zones were lists of settlements (1927, 1929) and of village councils (1940); a band of
a given depth along today's boundary only approximates them.
"""

from __future__ import annotations

import geopandas as gpd

BORDER = (
    "The line is today's Kazakhstan–China boundary as OpenStreetMap draws it (its country borders at 10 m "
    "resolution, as compiled by the geo-maps project, version 0.6.0; © OpenStreetMap contributors, Open Database "
    "License 1.0), not a survey of the 1918–1940 line; the sources give no coordinates for the line of their time."
)
ZONE = (
    "Drawn as the band of Kazakhstan's territory within {depth} of today's boundary: the zone's nominal "
    "depth. The operative border zone was defined by lists of settlements (1927, 1929) and, in 1940, of "
    "village councils, which a band only approximates."
)
LISTS = {  # which places the text puts in a zone, and the band they are measured against
    "in_1927_list": ("the 1927 list of border settlements of the 7.5 km zone", "zone-7-5-km"),
    "border_zone_town": (
        "the largest settlements of the border zone (the restricted zone was 22 km deep)",
        "zone-22-km",
    ),
}


def outside(places: gpd.GeoDataFrame, zones: gpd.GeoDataFrame) -> list[dict]:
    """The places a list of the text puts in a zone whose point lies beyond that zone's drawn depth."""
    depth = dict(zip(zones["id"], zones["depth_m"], strict=True))
    found = []
    for flag, (what, zone) in LISTS.items():
        if flag not in places:
            continue
        listed = places[places[flag].fillna(False).astype(bool) & places["border_distance_m"].notna()]
        for pid, name, metres in zip(listed["id"], listed["name"], listed["border_distance_m"], strict=True):
            if metres > depth[zone]:
                found.append({"id": pid, "name": name, "km": round(metres / 1000, 1), "list": what, "zone": zone})
    return found


def place_notes(outside_places: list[dict]) -> dict[str, str]:
    """{place id: the sentence its popup and page show}."""
    return {
        o["id"]: f"Ablazhey and Zhanbossinova (2026) count {o['name']} among {o['list']}; its point lies "
        f"{o['km']:g} km from the drawn line, outside the drawn band of that zone."
        for o in outside_places
    }


def zone_text(depth: str, outside_places: list[dict], zone: str) -> str:
    """The caveat of one zone, naming the listed places that lie outside its band."""
    text = ZONE.format(depth=depth)
    names = [f"{o['name']} ({o['km']:g} km)" for o in outside_places if o["zone"] == zone]
    return text + (f" Places the text puts in it that lie outside the band: {', '.join(names)}." if names else "")
