"""What each column of a contributed file means: the atlas's own download columns, per layer.

One table per layer (LAYERS): the column, the record field it fills (a path such as `location.place`), the
code list it must come from (the layer module's own constant) and what it holds in words. What a field may
hold is never restated here: its kinds come from `layers.sources.FIELD_TYPES` (or the layer's own kinds),
so a contributed file is held to the rules of data/sources. Columns the build derives (labels, levels,
distances) are read and ignored, so that every download imports back unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import ModuleType

from contrib.lists import FORMS
from layers import customs, incidents, migration, outposts, places
from layers.dates import PRECISIONS
from layers.sources import FIELD_TYPES, KINDS

# Columns every layer's download carries that no record holds (derived by the build or by the download).
DERIVED = {
    "located", "where_prec", "border_distance_m", "zones_containing", "location_basis_derived", "start_date",
    "end_date", "geometry_wkt", "contributor", "submission", "event_type_label", "direction_label",
    "unit_type_label", "post_type_label", "kind_label", "first_attested", "last_attested", "tariff_1923",
    "approximate_geometry", "zone_caveat", "bounds",
}  # fmt: skip
CITATION_COLUMNS = ("cite_document", "cite_note", "cite_archive", "cite_locator", "cite_quote", "cite_comment")


@dataclass(frozen=True)
class Column:
    """One column: the record field it fills, its code list (if any) and what it holds."""

    name: str
    path: str  # the record field: "event_type", "location.place"
    help: str
    codes: tuple = ()  # the allowed values, from the layer module
    refers: str | None = None  # the kind of atlas id it names: "place", "unit", "area", "migration_area"
    template: bool = True  # offered in the template (False: read from downloads only)
    form: str | None = None  # a list written in one cell as a person would (contrib.lists.FORMS), JSON also read

    @property
    def kinds(self) -> tuple:
        """The kinds the field may hold: the layer's own, else FIELD_TYPES by the field's name."""
        leaf = self.path.split(".")[-1]
        return OWN_KINDS.get(self.path) or FIELD_TYPES.get(leaf, ("text", "null"))

    @property
    def allowed(self) -> str:
        """What the column allows, in words."""
        if self.form:
            return FORMS[self.form].allowed + "; or a JSON list, as the downloads write it"
        if self.codes:
            return "one of " + ", ".join(str(c) for c in self.codes if c is not None) + _or_empty(self)
        return " or ".join(KINDS[k][1] for k in self.kinds if k != "null") + _or_empty(self)


def _or_empty(column: Column) -> str:
    return " or empty" if "null" in column.kinds or None in column.codes else ""


@dataclass(frozen=True)
class Layer:
    """A layer contributions may add to: its module, its collection and its columns."""

    name: str
    collection: str
    module: ModuleType
    fields: tuple[set, set]  # (required, optional) record fields, the layer module's own
    columns: tuple[Column, ...]
    id_column: str = "id"
    extra_derived: frozenset = field(default_factory=frozenset)

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)

    @property
    def ignored(self) -> set[str]:
        """Download columns that are read and ignored (derived from the record by the build)."""
        return DERIVED | set(self.extra_derived)


# A count as four columns a person can fill: detained_low, detained_best, detained_high, detained_approximate.
COUNT_PARTS = {"low": ("number", "null"), "best": ("number", "null"), "high": ("number", "null"),
               "approximate": ("flag", "null")}  # fmt: skip


def count_columns(layer: str) -> list[str]:
    """The fillable columns of every kind of count the layer has (none for a layer without counts)."""
    kinds = getattr(LAYERS[layer].module, "COUNT_KINDS", ()) if layer in LAYERS else ()
    return [f"{kind}_{part}" for kind in kinds for part in COUNT_PARTS]


# Kinds a layer gives a field whose name means something else elsewhere (migration's from/to).
OWN_KINDS = {"from": migration.FLOW_FIELDS[2]["from"], "to": migration.FLOW_FIELDS[2]["to"]}
DATE_PRECISIONS = tuple(PRECISIONS)
SOURCES_HELP = (
    "the citations, as the download gives them (a JSON list); or use the cite_* columns for one citation: "
    "a document of the atlas or an archival file, a locator, and a quote or a note"
)


def _names() -> tuple[Column, ...]:
    return (
        Column("name_ru", "name_ru", "the name in Russian (Cyrillic)"),
        Column("name_kk", "name_kk", "the name in Kazakh"),
        Column("name_zh", "name_zh", "the name in Chinese"),
        Column("variants", "variants", "other spellings and later names (a JSON list, or texts separated by ;)"),
    )


def _period() -> tuple[Column, ...]:
    return (
        Column("start", "start", "the earliest date: 1927, 1927-08 or 1927-08-18"),
        Column("end", "end", "the latest date, as precise as the source (empty: open)"),
        Column("date_precision", "date_precision", "how precise the dates are", DATE_PRECISIONS),
    )


SOURCES = Column("sources", "sources", SOURCES_HELP, template=False)
WHEN = Column(
    "when",
    "when",
    "the dates in EDTF where start and end cannot say them: [1930..1933] (once within), "
    "[..1935] (by 1935), 1927-22 (summer); empty: from start and end",
    # offered in the blank templates too, beside the dates it refines
)
NOTE = Column("note", "note", "anything a reader should know")

INCIDENTS = Layer(
    "incidents",
    "incidents",
    incidents,
    incidents.FIELDS,
    (
        Column("id", "id", "a short unique id: lowercase letters, digits and hyphens (sarkand-1927-08-18)"),
        Column("name", "name", "what happened, in a few words"),
        Column("event_type", "event_type", "the kind of incident", tuple(incidents.EVENT_TYPES)),
        Column("subtype", "subtype", "a finer kind", tuple(incidents.SUBTYPES) + (None,)),
        *_period(),
        Column("date_text", "date_text", "the date as the source words it"),
        Column("actors", "actors", "who took part, each with its side in brackets", form="actors"),
        Column("unit", "unit", "the border-guard unit involved (a unit id of the atlas)", refers="unit"),
        Column(
            "counts",
            "counts",
            'people, armed, detained, ...: JSON {"detained": {"low", "best", "high", ...}}; or '
            "fill the columns of each count instead (detained_low, detained_best, detained_high, "
            "detained_approximate)",
        ),
        Column("counts_note", "counts_note", "how the counts were read"),
        Column("direction", "direction", "the direction of a crossing", tuple(incidents.DIRECTIONS)),
        Column(
            "goods",
            "goods",
            "the goods seized, each with its amount and unit where the source gives them",
            form="goods",
        ),  # fmt: skip
        Column("location_text", "location_text", "the place as the source words it"),
        Column(
            "location_place",
            "location.place",
            "the place: an atlas place id, or its name in any script",
            refers="place",
        ),  # fmt: skip
        Column("location_phrase", "location.phrase", "an offset from a place: 4 km SE of Narynkol"),
        Column(
            "area_id", "location.area", "an area of possibility the text puts it in (an atlas area id)", refers="area"
        ),  # fmt: skip
        Column(
            "precision_m",
            "precision_m",
            "the uncertainty radius in metres, when the location gives none",
            template=False,
        ),  # fmt: skip
        SOURCES,
        Column("quote", "quote", "the source's words for the whole incident (5–30 words)"),
        NOTE,
        Column("outcome", "outcome", "what became of it, as the source says (sentenced, released, ...)"),
        WHEN,
    ),
    extra_derived=frozenset({"name_ru", "name_kk", "name_zh", "variants", "location_basis"}),
)

PLACES = Layer(
    "places",
    "places",
    places,
    places.FIELDS,
    (
        Column("id", "id", "a short unique id: lowercase letters, digits and hyphens (narynkol)"),
        Column("name", "name", "the name as the source spells it in English"),
        *_names(),
        Column("modern_name", "modern_name", "today's name"),
        Column("feature_type", "feature_type", "what kind of place", places.FEATURE_TYPES),
        Column("side", "side", "the side of the border", places.SIDES),
        Column("admin_1920s", "admin_1920s", "the 1920s unit it belonged to"),
        Column("geonames_id", "geonames_id", "its GeoNames id, if it has one"),
        Column("in_1927_list", "in_1927_list", "in the 1927 list of border settlements (true/false)"),
        Column("border_zone_town", "border_zone_town", "a town of the border zone (true/false)"),
        Column("precision_class", "precision_class", "how well it is located", places.PRECISION_CLASSES),
        Column("lon", "lon", "longitude (WGS84), empty if unlocated"),
        Column("lat", "lat", "latitude (WGS84), empty if unlocated"),
        Column("precision_m", "precision_m", "the uncertainty radius in metres"),
        Column("location_basis", "location_basis", "how the point was found (a GeoNames id, a cited page, ...)"),
        Column("relative_location", "relative_location", "the position as the source gives it"),
        Column("area_id", "area", "the area of possibility it lies in (an atlas area id)", refers="area"),
        Column("population", "population", 'JSON list of {"year": ..., "count": ...}'),
        SOURCES,
        NOTE,
    ),
    extra_derived=frozenset({"start", "end", "date_precision"}),
)

UNITS = Layer(
    "units",
    "outposts",
    outposts,
    outposts.UNIT_FIELDS,
    (
        Column("id", "id", "a short unique id of the unit (outpost-sarkand)"),
        Column("name", "name", "the unit's name"),
        *_names(),
        Column("unit_type", "unit_type", "what kind of unit", tuple(outposts.UNIT_TYPES)),
        Column("parent", "parent", "the unit it belonged to (a unit id)", refers="unit"),
        Column("formed_from", "formed_from", "the unit it was formed from (a unit id)", refers="unit"),
        Column("seat", "seat", "where it was seated: an atlas place id, or its name", refers="place"),
        Column("seat_note", "seat_note", "why the seat is unknown, or a remark on it"),
        *_period(),
        Column("start_note", "start_note", "why the start is unknown, or a remark on it"),
        Column("end_note", "end_note", "a remark on the end"),
        Column("names_by_period", "names_by_period", "its names by period (JSON, as in the download)"),
        Column("seat_moves", "seat_moves", "moves of its seat (JSON, as in the download)"),
        Column("facts", "facts", "dated counts (JSON, as in the download)"),
        Column("events", "events", "events that attest it (JSON, as in the download)"),
        Column(
            "area_id",
            "area",
            "the area of possibility it lies in, when it has no seat (an atlas area id)",
            refers="area",
        ),  # fmt: skip
        SOURCES,
        NOTE,
    ),
    id_column="unit_id",
    extra_derived=frozenset({"precision_m", "location_basis"}),
)

CUSTOMS = Layer(
    "customs",
    "customs",
    customs,
    customs.POST_FIELDS,
    (
        Column("id", "id", "a short unique id (customs-khorgos)"),
        Column("name", "name", "the post's name"),
        *_names(),
        Column("post_type", "post_type", "what kind of post", tuple(customs.POST_TYPES)),
        Column("place", "place", "where it was: an atlas place id, or its name", refers="place"),
        Column("place_note", "place_note", "a remark on the place"),
        *_period(),
        Column("date_note", "date_note", "why it is undated, or a remark on the dates"),
        SOURCES,
        NOTE,
        WHEN,
    ),
    extra_derived=frozenset({"precision_m", "location_basis"}),
)

MIGRATION = Layer(
    "migration",
    "migration",
    migration,
    migration.FLOW_FIELDS[:2],
    (
        Column("id", "id", "a short unique id"),
        Column("kind", "kind", "what kind of flow", tuple(migration.KINDS)),
        Column("who", "who", "whom the figure counts, as the source says (Kazakhs, Russians...); needed for a stock"),
        Column("from_area", "from", "where from (a migration area id; empty for a stock)", refers="migration_area"),
        Column("to_areas", "to", "where to: one area id, or a JSON list of them", refers="migration_area"),
        Column(
            "via_area",
            "via",
            "the border sector it crossed, where the text names one (an atlas area id)",
            refers="area",
        ),  # fmt: skip
        Column("outcome", "outcome", "what became of it: empty, or stopped (at the border)"),
        Column("ends", "ends", "why its ends are these areas, as the text allows"),
        Column("date_text", "date_text", "the date as the source words it"),
        *_period(),
        Column("people", "people", 'JSON {"low", "best", "high", "approximate"}'),
        Column("households", "households", 'JSON {"low", "best", "high", "approximate"}'),
        Column("ratio_of_emigration", "ratio_of_emigration", 'JSON {"low", "best", "high", "approximate"}'),
        Column("authority", "authority", "who gave the figure"),
        Column("text", "text", "what the source says"),
        SOURCES,
        NOTE,
        WHEN,
    ),
    extra_derived=frozenset({"name", "name_ru", "name_kk", "name_zh", "variants", "precision_m", "location_basis"}),
)

LAYERS = {layer.name: layer for layer in (INCIDENTS, PLACES, UNITS, CUSTOMS, MIGRATION)}
