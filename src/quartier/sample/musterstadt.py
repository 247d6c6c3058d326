"""Musterstadt: a fictitious sample town, generated deterministically.

Musterstadt is an invented small town in Baden-Württemberg with about 27,000 residents in
seven quarters (six in the main town and the detached village St. Ilgenau). Everything in it
(boundaries, residents, facilities, organisations, people, phone numbers) is made up; it exists
so that quartier can be tried out, documented and tested on files that look like the files a
German town really has: a Zensus 2022 grid with suppressed values, a register exported from
Excel in Windows-1252 with ids that lost their leading zeros, facility registers of two yearly
editions with a few facilities outside the town, housing and social indicators, network partners
and measures.

The files are written by :func:`generate`; the same call always writes the same bytes (fixed
random seed, no timestamps, fixed number formats, sorted rows). From the command line::

    python -m quartier.sample.musterstadt data/sample
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import shapely
import shapely.geometry
from pyproj import Transformer
from shapely.geometry import LineString, Point, Polygon
from shapely.ops import split

__all__ = ["generate", "main", "QUARTERS", "FILES", "SEED", "WORKING_CRS", "GRID_CRS"]

SEED = 2025
"""Seed of ``numpy.random.default_rng`` for every random draw of the generator."""

WORKING_CRS = "EPSG:25832"
"""CRS of the boundaries and facility coordinates (ETRS89 / UTM zone 32N)."""

GRID_CRS = "EPSG:3035"
"""CRS of the Zensus 2022 grid (ETRS89 / LAEA Europe)."""

FILES = (
    "quartiere.geojson",
    "zensus2022_bevoelkerung_100m.csv",
    "zensus2022_alter_10er_100m.csv",
    "einwohner_quartiere.csv",
    "einrichtungen_2024.csv",
    "einrichtungen_2025.csv",
    "wohnen.csv",
    "sozialindikatoren.csv",
    "akteure.csv",
    "massnahmen.csv",
    "anliegen.csv",
    "quartier.toml",
)
"""Names of the files written by :func:`generate`, in the order they are returned."""

_EDITIONS = ("2024", "2025")
_SUPPRESSED = "\u2013"  # en dash, as in the Zensus 2022 tables
_PLZ = "69181"
_TOWN = "Musterstadt"


# --------------------------------------------------------------------------------------------
# quarters
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Quarter:
    """Parameters of one quarter of the model town."""

    quarter_id: str
    name: str
    population: int          # residents on the census day
    density: float           # mean residents per populated 100 m cell
    anchor: tuple[float, float]  # centre of the residential area (EPSG:25832)
    sparse: int              # cells with only 1-4 residents (outlying houses)
    ort: str                 # postal locality
    streets: tuple[str, ...]


QUARTERS: tuple[_Quarter, ...] = (
    _Quarter("01", "Altstadt", 4318, 74.0, (478480.0, 5464180.0), 3, _TOWN,
             ("Hauptstraße", "Marktplatz", "Kirchgasse", "Rathausstraße", "Schlossgasse",
              "Färbergasse", "Mühlgasse", "Am Stadttor", "Zehntgasse")),
    _Quarter("02", "Bahnhofsviertel", 5247, 96.0, (479250.0, 5464200.0), 3, _TOWN,
             ("Bahnhofstraße", "Bahnhofsplatz", "Gleisstraße", "Poststraße", "Ludwigstraße",
              "Friedrichstraße", "Güterhallenweg", "Am Lokschuppen")),
    _Quarter("03", "Nordstadt", 6893, 56.0, (478550.0, 5464980.0), 6, _TOWN,
             ("Nordring", "Lindenstraße", "Ahornweg", "Eichendorffstraße", "Schillerstraße",
              "Goethestraße", "Mörikeweg", "Uhlandstraße", "Hölderlinweg", "Kastanienallee")),
    _Quarter("04", "Südhang", 5126, 47.0, (478450.0, 5463330.0), 6, _TOWN,
             ("Am Südhang", "Rebenweg", "Weinbergstraße", "Sonnenhalde", "Kirschgartenweg",
              "Panoramaweg", "Mandelring", "Traminerweg", "Rieslingstraße")),
    _Quarter("05", "Am Sandberg", 3871, 50.0, (477850.0, 5464200.0), 4, _TOWN,
             ("Sandbergstraße", "Kiefernweg", "Heideweg", "Birkenweg", "Am Sandberg",
              "Dünenweg", "Ginsterweg", "Wacholderweg")),
    _Quarter("06", "Gewerbegebiet Ost", 118, 24.0, (479900.0, 5464450.0), 2, _TOWN,
             ("Industriestraße", "Gewerbestraße", "Ostring", "Im Gewerbepark",
              "Werkstraße", "Am Güterbahnhof")),
    _Quarter("07", "St. Ilgenau", 1694, 30.0, (477250.0, 5467550.0), 4,
             f"{_TOWN}-St. Ilgenau",
             ("Ilgenauer Hauptstraße", "Dorfstraße", "Kirchweg", "Mühlbachweg",
              "Am Dorfbrunnen", "Schulstraße", "Wiesenweg")),
)
"""The seven quarters: id, name, census population and layout parameters."""

_BY_ID = {q.quarter_id: q for q in QUARTERS}

# Outline of the main town and the lines (railway, roads) along which it is split.
_TOWN_OUTLINE = (
    (477300, 5463000), (477900, 5462600), (478800, 5462450), (479700, 5462600),
    (480250, 5462850), (480450, 5463600), (480400, 5464500), (480100, 5465250),
    (479500, 5465650), (478500, 5465750), (477700, 5465500), (477200, 5464800),
    (477150, 5463800),
)
_RAILWAY = ((479500, 5462000), (479800, 5464000), (479900, 5466200))
_NORTH_ROAD = ((476500, 5464600), (477400, 5464690), (478300, 5464700), (479200, 5464620),
               (480500, 5464650))
_SOUTH_ROAD = ((476500, 5463750), (477500, 5463720), (478400, 5463650), (479300, 5463740),
               (480500, 5463800))
_SANDBERG_LANE = ((478150, 5462000), (478120, 5463900), (478180, 5464300), (478100, 5466000))
_STATION_ROAD = ((478800, 5462000), (478830, 5463950), (478790, 5464350), (478850, 5466000))
_VILLAGE_OUTLINE = (
    (476900, 5467200), (477350, 5467080), (477700, 5467250), (477780, 5467600),
    (477620, 5467930), (477200, 5467960), (476880, 5467820), (476740, 5467500),
)


def _cut(polygon: Polygon, line: Sequence[tuple[float, float]]) -> tuple[Polygon, Polygon]:
    """Split ``polygon`` by a line into exactly two parts (the line must cross it)."""
    parts = list(split(polygon, LineString(line)).geoms)
    if len(parts) != 2:  # pragma: no cover - guards the hard-coded layout
        raise RuntimeError(f"splitting produced {len(parts)} parts instead of 2")
    return parts[0], parts[1]


def _order(parts: tuple[Polygon, Polygon], axis: int) -> tuple[Polygon, Polygon]:
    """Return the two parts ordered by their centroid along ``axis`` (0 = x, 1 = y)."""
    key = [p.centroid.coords[0][axis] for p in parts]
    return (parts[0], parts[1]) if key[0] <= key[1] else (parts[1], parts[0])


def _round(geometry: Polygon) -> Polygon:
    """Round coordinates to 0.1 m (identical vertices stay identical, so tiling survives)."""
    return shapely.transform(geometry, lambda xy: np.round(xy, 1))


def _quarter_geometries() -> dict[str, Polygon]:
    """Build the quarter polygons in EPSG:25832.

    The main town outline is split along the railway (Gewerbegebiet Ost east of it), two roads
    (Nordstadt north, Südhang south) and two lanes (Am Sandberg, Altstadt, Bahnhofsviertel from
    west to east), so that quarters 01-06 tile the town without gaps or overlaps. St. Ilgenau is
    a separate polygon about 1.5 km away.
    """
    town = Polygon(_TOWN_OUTLINE)
    west, east = _order(_cut(town, _RAILWAY), 0)
    middle, north = _order(_cut(west, _NORTH_ROAD), 1)
    south, middle = _order(_cut(middle, _SOUTH_ROAD), 1)
    sandberg, middle = _order(_cut(middle, _SANDBERG_LANE), 0)
    altstadt, bahnhof = _order(_cut(middle, _STATION_ROAD), 0)
    pieces = {"01": altstadt, "02": bahnhof, "03": north, "04": south, "05": sandberg,
              "06": east}
    # Splitting inserts a vertex where a lane meets a road only into the pieces being split,
    # not into the neighbour across the road. Snapping every piece to the vertices of all
    # pieces puts that vertex into the neighbour's edge as well, so that shared edges have
    # identical vertices and the quarters still tile the town exactly after rounding.
    vertices = shapely.multipoints(np.unique(np.concatenate(
        [shapely.get_coordinates(piece) for piece in pieces.values()]), axis=0))
    shapes = {key: shapely.snap(piece, vertices, 1e-3) for key, piece in pieces.items()}
    shapes["07"] = Polygon(_VILLAGE_OUTLINE)
    return {key: shapely.normalize(_round(shape)) for key, shape in shapes.items()}


# --------------------------------------------------------------------------------------------
# population
# --------------------------------------------------------------------------------------------

# Age profile of the whole country, share per 5-year band 0-4 … 95-99 (rounded, about 2022).
_BASE_AGE = np.array([4.7, 4.6, 4.5, 4.6, 5.3, 5.9, 6.6, 6.3, 6.0, 5.9, 7.3, 8.1, 7.2, 6.0,
                      4.8, 4.0, 4.3, 2.1, 0.8, 0.2])
# Quarter multipliers for ages 0-17, 18-29, 30-44, 45-64, 65-79, 80+.
_AGE_TILT = {
    "01": (0.80, 1.10, 0.85, 0.95, 1.35, 1.90),
    "02": (1.20, 1.45, 1.25, 0.90, 0.75, 0.60),
    "03": (1.00, 1.00, 1.00, 1.00, 1.15, 1.05),
    "04": (1.60, 0.80, 1.60, 0.85, 0.45, 0.30),
    "05": (0.80, 0.75, 0.70, 1.20, 1.45, 1.20),
    "06": (0.80, 1.30, 1.20, 1.10, 0.60, 0.30),
    "07": (1.00, 0.90, 0.95, 1.10, 1.10, 1.00),
}
_TILT_EDGES = np.array([0, 18, 30, 45, 65, 80, 100])

# Municipal register bands (from, to inclusive; None = open) and their column names.
_REGISTER_BANDS = (
    ("0 bis 2", 0, 2), ("3 bis 5", 3, 5), ("6 bis 9", 6, 9), ("10 bis 14", 10, 14),
    ("15 bis 17", 15, 17), ("18 bis 24", 18, 24), ("25 bis 44", 25, 44),
    ("45 bis 64", 45, 64), ("65 bis 74", 65, 74), ("75 bis 79", 75, 79),
    ("80 und älter", 80, None),
)
_ZENSUS_AGE_COLUMNS = ("Unter10", "a10bis19", "a20bis29", "a30bis39", "a40bis49", "a50bis59",
                       "a60bis69", "a70bis79", "a80undaelter")


def _age_profile(quarter_id: str) -> np.ndarray:
    """Probability of each single year of age 0-99 in a quarter."""
    single = np.repeat(_BASE_AGE / 5.0, 5)
    tilt = np.repeat(np.array(_AGE_TILT[quarter_id]), np.diff(_TILT_EDGES))
    profile = single * tilt
    return profile / profile.sum()


@dataclass(frozen=True)
class _Grid:
    """Populated Zensus cells with their residents' ages."""

    east: np.ndarray         # lower-left corner, EPSG:3035
    north: np.ndarray
    x: np.ndarray            # cell centre in EPSG:25832
    y: np.ndarray
    quarter: np.ndarray      # quarter id per cell
    total: np.ndarray        # residents per cell
    decades: np.ndarray      # residents per cell and 10-year group (cells x 9)
    register: np.ndarray     # residents per quarter and register band (quarters x 11)


def _candidate_cells(shape: Polygon, to_grid: Transformer, to_work: Transformer,
                     margin: float = 0.5) -> tuple[np.ndarray, ...]:
    """All 100 m cells whose centre lies inside ``shape`` (and not within ``margin`` of its edge).

    The quarter is transformed to EPSG:3035 to find the range of cells; each centre is then
    transformed back to EPSG:25832 and tested against the quarter, the way a user assigns the
    cells of a Zensus file to quarters.
    """
    grid_shape = shapely.transform(shape, lambda xy: np.column_stack(
        to_grid.transform(xy[:, 0], xy[:, 1])))
    minx, miny, maxx, maxy = grid_shape.bounds
    easts = np.arange(np.floor(minx / 100) * 100, np.ceil(maxx / 100) * 100, 100)
    norths = np.arange(np.floor(miny / 100) * 100, np.ceil(maxy / 100) * 100, 100)
    east, north = (a.ravel() for a in np.meshgrid(easts, norths))
    x, y = to_work.transform(east + 50, north + 50)
    x, y = np.asarray(x), np.asarray(y)
    inside = shapely.contains_xy(shape, x, y)
    inside &= shapely.distance(shape.boundary, shapely.points(x, y)) > margin
    return east[inside].astype(np.int64), north[inside].astype(np.int64), x[inside], y[inside]


def _population(rng: np.random.Generator, shapes: dict[str, Polygon]) -> _Grid:
    """Spread each quarter's residents over its residential cells and draw their ages."""
    to_grid = Transformer.from_crs(WORKING_CRS, GRID_CRS, always_xy=True)
    to_work = Transformer.from_crs(GRID_CRS, WORKING_CRS, always_xy=True)
    parts: dict[str, list[Any]] = {k: [] for k in ("east", "north", "x", "y", "quarter", "total",
                                                  "ages")}
    for q in QUARTERS:
        east, north, x, y = _candidate_cells(shapes[q.quarter_id], to_grid, to_work)
        n_cells = int(round(q.population / q.density))
        # residential area: the cells nearest to the quarter's centre, with a ragged edge
        distance = np.hypot(x - q.anchor[0], y - q.anchor[1])
        score = distance + rng.normal(0.0, 60.0, size=distance.size)
        chosen = np.sort(np.argsort(score, kind="stable")[:n_cells])
        rank = np.argsort(np.argsort(score[chosen], kind="stable"), kind="stable")
        counts = np.zeros(chosen.size, dtype=np.int64)
        sparse = rank >= chosen.size - q.sparse      # outermost cells: single houses
        counts[sparse] = rng.integers(1, 5, size=int(sparse.sum()))
        weight = rng.lognormal(0.0, 0.45, size=chosen.size) * (1.4 - 0.8 * rank / chosen.size)
        weight[sparse] = 0.0
        dense = ~sparse
        counts[dense] = 3
        rest = q.population - counts.sum()
        counts += rng.multinomial(rest, weight / weight.sum())
        ages = rng.choice(100, size=q.population, p=_age_profile(q.quarter_id))
        for key, value in (("east", east[chosen]), ("north", north[chosen]), ("x", x[chosen]),
                           ("y", y[chosen]), ("total", counts), ("ages", ages)):
            parts[key].append(value)
        parts["quarter"].append(np.full(chosen.size, q.quarter_id))
    total = np.concatenate(parts["total"])
    ages = np.concatenate(parts["ages"])
    cell_of_person = np.repeat(np.arange(total.size), total)
    decades = np.bincount(cell_of_person * 9 + np.minimum(ages // 10, 8),
                          minlength=total.size * 9).reshape(total.size, 9)
    lower = np.array([band[1] for band in _REGISTER_BANDS])
    band_of_age = np.searchsorted(lower, np.arange(100), side="right") - 1
    quarter_of_person = np.repeat(np.arange(len(QUARTERS)),
                                  [q.population for q in QUARTERS])
    register = np.bincount(quarter_of_person * len(lower) + band_of_age[ages],
                           minlength=len(QUARTERS) * len(lower)).reshape(len(QUARTERS), -1)
    return _Grid(np.concatenate(parts["east"]), np.concatenate(parts["north"]),
                 np.concatenate(parts["x"]), np.concatenate(parts["y"]),
                 np.concatenate(parts["quarter"]), total, decades, register)


# --------------------------------------------------------------------------------------------
# facilities
# --------------------------------------------------------------------------------------------

_STADT = "Stadt Musterstadt"
_CARITAS = "Caritasverband Musterkreis e. V."
_DIAKONIE = "Diakonisches Werk Musterkreis"
_AWO = "AWO Kreisverband Musterkreis e. V."
_DRK = "DRK-Kreisverband Musterkreis e. V."
_LEBENSHILFE = "Lebenshilfe Musterkreis e. V."
_EV = "Ev. Kirchengemeinde Musterstadt"
_KATH = "Kath. Kirchengemeinde St. Martin Musterstadt"
_PRIVAT = "privat"
_WOHNBAU = "Musterstädter Wohnbau GmbH"
_GENOSSENSCHAFT = "Baugenossenschaft Nordstadt eG"
_NVG = "Nahverkehrsgesellschaft Musterkreis"

_FIRST_NAMES = ("Anna", "Thomas", "Sabine", "Michael", "Julia", "Stefan", "Katrin", "Andreas",
                "Miriam", "Jonas", "Claudia", "Markus", "Lena", "Tobias", "Heike", "Daniel",
                "Ayşe", "Mehmet", "Elena", "Jan", "Petra", "Frank", "Nadine", "Oliver",
                "Sophie", "Bernd", "Ulrike", "Kemal", "Ines", "Ralf", "Birgit", "Lukas")
_NAME_STEMS = ("Alm", "Bren", "Dorn", "Eich", "Falk", "Gern", "Hasel", "Kuhl", "Lind", "Mar",
               "Nol", "Ost", "Rab", "Sel", "Tann", "Wer", "Holl", "Quer", "Ros", "Stein")
_NAME_ENDS = ("bach", "berger", "hagen", "mann", "reiter", "stetter", "winkel", "meier",
              "brück", "felder", "hauser", "kamp", "lechner", "wald", "roth", "acker")


class _Names:
    """Draws invented, unique German-sounding personal names."""

    def __init__(self, rng: np.random.Generator) -> None:
        self._rng = rng
        self._used: set[str] = set()

    def surname(self) -> str:
        """An invented surname not drawn before."""
        while True:
            name = (_NAME_STEMS[self._rng.integers(len(_NAME_STEMS))]
                    + _NAME_ENDS[self._rng.integers(len(_NAME_ENDS))])
            if name not in self._used:
                self._used.add(name)
                return name

    def first(self) -> str:
        """A common German first name."""
        return _FIRST_NAMES[self._rng.integers(len(_FIRST_NAMES))]


@dataclass
class _Facility:
    """One facility of the register, with its state in both editions."""

    category: str
    quarter: str            # quarter id, or "" for a facility outside the town
    name: str
    operator: str = ""
    capacity: int | None = None
    capacity_2025: int | None = None   # None: unchanged
    target_group: str = ""
    street: str = ""
    status: str = "both"     # both | closed (only 2024) | opened (only 2025)
    place: str = "pop"       # pop: near residents; area: anywhere in the quarter
    xy: tuple[float, float] | None = None
    house_number: str = ""
    plz: str = _PLZ
    ort: str = ""
    facility_id: str = ""


_CHILDMINDER_GROUPS = ("Kleine Strolche", "Schatzkiste", "Wichtelstube", "Zwergennest",
                       "Sonnenkäfer", "Rasselbande", "Spatzennest", "Purzelbaum")
"""Group names of the childminders (Kindertagespflege), one per childminder in list order."""

_TARGET = {
    "kita": "Kinder 1–6 Jahre", "childminder": "Kinder unter 3 Jahren",
    "primary_school": "Kinder 6–10 Jahre", "secondary_school": "Jugendliche 10–18 Jahre",
    "youth_centre": "Jugendliche 12–21 Jahre", "community_centre": "alle",
    "senior_centre": "Seniorinnen und Senioren", "library": "alle",
    "family_centre": "Familien mit Kindern",
    "social_counselling": "Menschen in schwierigen Lebenslagen",
    "debt_counselling": "überschuldete Haushalte",
    "migration_counselling": "Zugewanderte ab 27 Jahren",
    "family_counselling": "Eltern, Kinder und Jugendliche",
    "care_counselling": "Pflegebedürftige und Angehörige",
    "addiction_counselling": "Suchtkranke und Angehörige",
    "food_bank": "Menschen mit geringem Einkommen", "clothes_store": "alle",
    "neighbourhood_help": "ältere und hilfebedürftige Menschen",
    "visiting_service": "ältere Menschen",
    "social_department_store": "Menschen mit geringem Einkommen",
    "gp": "alle", "paediatrician": "Kinder und Jugendliche", "clinic": "alle",
    "nursing_home": "Pflegebedürftige", "day_care_elderly": "pflegebedürftige Ältere",
    "ambulatory_care": "Pflegebedürftige", "assisted_living": "Seniorinnen und Senioren",
    "social_housing": "Haushalte mit Wohnberechtigungsschein",
    "shelter": "wohnungslose Menschen", "playground": "Kinder bis 12 Jahre",
}

# Facilities outside the town (in the fictitious neighbouring municipality Rebenheim).
_NEIGHBOUR_PLZ = "69226"
_NEIGHBOUR = "Rebenheim"


def _facility_list(names: _Names) -> list[_Facility]:
    """The facility register of both editions (before placing and addressing)."""
    fac = _Facility
    out: list[_Facility] = []

    # housing
    out += [
        fac("assisted_living", "01", "Betreutes Wohnen am Stadtgarten", _CARITAS, 42),
        fac("assisted_living", "03", "Betreutes Wohnen Lindenhof", _AWO, 28, street="Lindenstraße"),
        fac("assisted_living", "05", "Seniorenwohnanlage Sandberg", _PRIVAT, 36),
        fac("social_housing", "01", "Wohnhaus Zehntgasse", _WOHNBAU, 12, street="Zehntgasse"),
        fac("social_housing", "02", "Wohnanlage Gleisstraße", _WOHNBAU, 64, street="Gleisstraße"),
        fac("social_housing", "02", "Wohnanlage Friedrichstraße", _WOHNBAU, 48,
          street="Friedrichstraße"),
        fac("social_housing", "02", "Wohnanlage Poststraße", _WOHNBAU, 24, street="Poststraße"),
        fac("social_housing", "03", "Wohnanlage Nordring", _GENOSSENSCHAFT, 80, street="Nordring"),
        fac("social_housing", "03", "Wohnanlage Ahornweg", _GENOSSENSCHAFT, 36, 60,
          street="Ahornweg"),
        fac("shelter", "06", "Notunterkunft Werkstraße", _STADT, 18, street="Werkstraße",
          place="area"),
    ]

    # residential environment
    playgrounds = {
        "01": ("Schlossgasse", "Mühlgasse"),
        "02": ("Güterhallenweg", "Ludwigstraße"),
        "03": ("Lindenstraße", "Ahornweg", "Mörikeweg", "Uhlandstraße", "Hölderlinweg",
               "Kastanienallee"),
        "04": ("Rebenweg", "Sonnenhalde", "Kirschgartenweg", "Mandelring", "Traminerweg"),
        "05": ("Kiefernweg", "Heideweg", "Ginsterweg"),
        "07": ("Am Dorfbrunnen", "Wiesenweg"),
    }
    for qid, streets in playgrounds.items():
        for street in streets:
            out.append(fac("playground", qid, f"Spielplatz {street}", _STADT, street=street,
                         status="closed" if street == "Güterhallenweg" else "both"))
    out.append(fac("playground", "02", "Spielplatz Bahnhofsplatz", _STADT, street="Bahnhofsplatz",
                 status="opened"))
    out += [
        fac("park", "01", "Stadtgarten", _STADT, place="area"),
        fac("park", "03", "Nordpark", _STADT, place="area"),
        fac("park", "04", "Grünzug Südhang", _STADT, place="area"),
        fac("park", "05", "Sandbergwäldchen", _STADT, place="area"),
        fac("park", "07", "Dorfwiese St. Ilgenau", _STADT, place="area"),
    ]
    stops = {
        "01": ("Rathaus", "Marktplatz", "Stadttor", "Kirchgasse", "Mühlgasse", "Schlossgasse",
               "Färbergasse"),
        "02": ("Bahnhof/ZOB", "Poststraße", "Ludwigstraße", "Friedrichstraße", "Gleisstraße",
               "Güterhallenweg", "Am Lokschuppen"),
        "03": ("Nordring", "Lindenstraße", "Schulzentrum Nord", "Eichendorffstraße",
               "Schillerstraße", "Goethestraße", "Uhlandstraße", "Kastanienallee",
               "Nordfriedhof"),
        "04": ("Am Südhang", "Weinbergstraße", "Sonnenhalde", "Panoramaweg", "Mandelring",
               "Rieslingstraße"),
        "05": ("Sandbergstraße", "Gymnasium", "Heideweg", "Birkenweg", "Stadion"),
        "06": ("Industriestraße", "Gewerbepark", "Ostring"),
        "07": ("St. Ilgenau Ortsmitte", "St. Ilgenau Kirchweg", "St. Ilgenau Wiesenweg"),
    }
    for qid, stop_names in stops.items():
        streets = _BY_ID[qid].streets
        for i, stop in enumerate(stop_names):
            street = stop if stop in streets else streets[i % len(streets)]
            out.append(fac("transit_stop", qid, f"Haltestelle {stop}", _NVG, street=street,
                         status="closed" if stop == "Güterhallenweg" else "both",
                         place="area" if qid == "06" else "pop"))
    out += [
        fac("rail_station", "02", "Bahnhof Musterstadt", _NVG, street="Bahnhofsplatz",
          xy=(479760.0, 5464150.0)),
        fac("supermarket", "01", "Frischemarkt am Stadttor", _PRIVAT, street="Am Stadttor"),
        fac("supermarket", "02", "Discountmarkt Bahnhofstraße", _PRIVAT, street="Bahnhofstraße"),
        fac("supermarket", "03", "Vollsortimenter Nordring", _PRIVAT, street="Nordring"),
        fac("supermarket", "03", "Discountmarkt Lindenstraße", _PRIVAT, street="Lindenstraße"),
        fac("supermarket", "04", "Frischemarkt Südhang", _PRIVAT, street="Am Südhang"),
        fac("supermarket", "06", "Verbrauchermarkt Gewerbepark", _PRIVAT, street="Im Gewerbepark",
          place="area"),
        fac("supermarket", "", "Verbrauchermarkt Rebenheim", _PRIVAT, street="Musterstädter Straße",
          xy=(480660.0, 5463880.0)),
        fac("convenience_store", "01", "Kiosk am Markt", _PRIVAT, street="Marktplatz",
          status="closed"),
        fac("convenience_store", "02", "Internationaler Lebensmittelmarkt", _PRIVAT,
          street="Ludwigstraße"),
        fac("convenience_store", "03", f"Lebensmittel {names.surname()}", _PRIVAT,
          street="Schillerstraße"),
        fac("convenience_store", "05", "Getränke- und Lebensmittelmarkt Sandberg", _PRIVAT,
          street="Sandbergstraße"),
        fac("convenience_store", "07", "Dorfladen St. Ilgenau", "Dorfladen St. Ilgenau eG",
          street="Ilgenauer Hauptstraße", status="opened"),
        fac("marketplace", "01", "Wochenmarkt Marktplatz", _STADT, street="Marktplatz"),
        fac("marketplace", "03", "Bauernmarkt Nordstadt", _STADT, street="Nordring"),
        fac("sports_facility", "01", "Hallenbad Musterstadt", _STADT, street="Mühlgasse"),
        fac("sports_facility", "02", "Bolzplatz Am Lokschuppen", _STADT, street="Am Lokschuppen"),
        fac("sports_facility", "03", "Sporthalle Nordstadt", _STADT, street="Eichendorffstraße"),
        fac("sports_facility", "04", "Tennisanlage Südhang", "TC Musterstadt e. V.",
          street="Panoramaweg", place="area"),
        fac("sports_facility", "05", "Stadion am Sandberg", _STADT, street="Am Sandberg",
          place="area"),
        fac("sports_facility", "07", "Sportplatz St. Ilgenau", "SV St. Ilgenau e. V.",
          street="Wiesenweg", place="area"),
        fac("sports_facility", "", "Sportpark Rebenheim", "Gemeinde Rebenheim",
          street="Am Sportpark", xy=(479000.0, 5462230.0)),
        fac("post_office", "01", "Postfiliale Altstadt", _PRIVAT, street="Hauptstraße"),
        fac("post_office", "03", "Postfiliale Nordstadt", _PRIVAT, street="Lindenstraße",
          status="closed"),
    ]

    # social infrastructure
    out += [
        fac("kita", "01", "Kath. Kita St. Martin", _KATH, 75),
        fac("kita", "01", "Kita Altstadtspatzen", _STADT, 60),
        fac("kita", "02", "Kita Regenbogen", _STADT, 45, 70),
        fac("kita", "03", "Kita Sonnenschein", _STADT, 100),
        fac("kita", "03", "AWO-Kita Nordlicht", _AWO, 85),
        fac("kita", "03", "Ev. Kindergarten Arche Noah", _EV, 70),
        fac("kita", "03", "Kita Pusteblume", _STADT, 110),
        fac("kita", "04", "Kita Löwenzahn", _STADT, 120),
        fac("kita", "04", "Kinderhaus Sonnenhalde", _STADT, 95, street="Sonnenhalde"),
        fac("kita", "04", "Inklusive Kita Wirbelwind", _LEBENSHILFE, 60),
        fac("kita", "04", "Waldkindergarten Rebenweg", "Waldkindergarten Musterstadt e. V.", 40,
          street="Rebenweg", place="area"),
        fac("kita", "05", "Kita Kunterbunt", _CARITAS, 80),
        fac("kita", "05", "Ev. Kita Sandkorn", _EV, 55),
        fac("kita", "06", "Betriebskita Zwergenland", _PRIVAT, 40, place="area"),
        fac("kita", "07", "Kita Dorfspatzen", _STADT, 50),
    ]
    # Childminders work in their own homes: the register names them by the name of their
    # group, never by the person (a name and a location would point to a private home). The
    # two name draws per childminder stay so that every later random draw is unchanged.
    for (qid, status), group in zip(
            (("01", "both"), ("02", "opened"), ("03", "both"), ("03", "both"),
             ("04", "both"), ("04", "closed"), ("05", "both"), ("07", "both")),
            _CHILDMINDER_GROUPS, strict=True):
        names.first(), names.surname()
        out.append(fac("childminder", qid, f"Kindertagespflege {group}", _PRIVAT, 5,
                     target_group="Kinder unter 3 Jahren", status=status))
    out += [
        fac("primary_school", "01", "Grundschule Altstadt", _STADT, 240),
        fac("primary_school", "03", "Eichendorff-Grundschule", _STADT, 310, 302,
          street="Eichendorffstraße"),
        fac("primary_school", "04", "Grundschule am Südhang", _STADT, 290, 305,
          street="Am Südhang"),
        fac("primary_school", "07", "Grundschule St. Ilgenau", _STADT, 95, street="Schulstraße"),
        fac("secondary_school", "03", "Gemeinschaftsschule Nordstadt", _STADT, 640),
        fac("secondary_school", "05", "Sandberg-Gymnasium", _STADT, 870, street="Am Sandberg"),
        fac("youth_centre", "01", "Jugendhaus Musterstadt", "Jugendhaus Musterstadt e. V.", 60),
        fac("youth_centre", "03", "Jugendtreff Nordstadt", _STADT, 40),
        fac("community_centre", "01", "Bürgerhaus am Markt", _STADT, street="Marktplatz"),
        fac("community_centre", "03", "Stadtteilzentrum Nordstadt", _AWO),
        fac("community_centre", "07", "Dorfgemeinschaftshaus St. Ilgenau", _STADT),
        fac("senior_centre", "01", "Seniorenbegegnungsstätte Altstadt", _EV),
        fac("senior_centre", "05", "Seniorentreff am Sandberg", _DRK),
        fac("senior_centre", "04", "Seniorentreff Südhang", _STADT, status="opened"),
        fac("library", "01", "Stadtbibliothek Musterstadt", _STADT, street="Rathausstraße"),
        fac("library", "07", "Ortsbücherei St. Ilgenau", "Kath. Kirchengemeinde St. Ilgenau"),
        fac("family_centre", "03", "Familienzentrum Nordstadt", _AWO),
        fac("place_of_worship", "01", "Ev. Stadtkirche", _EV, street="Kirchgasse"),
        fac("place_of_worship", "01", "Kath. Kirche St. Martin", _KATH, street="Kirchgasse"),
        fac("place_of_worship", "03", "Ev. Lukaskirche", _EV),
        fac("place_of_worship", "02", "Moschee des Islamischen Kulturvereins",
          "Islamischer Kulturverein Musterstadt e. V."),
        fac("place_of_worship", "04", "Ev. Freikirche am Südhang", "Ev. Freikirche Musterstadt"),
        fac("place_of_worship", "07", "Kath. Kirche St. Ilgen", "Kath. Kirchengemeinde St. Ilgenau",
          street="Kirchweg"),
    ]

    # counselling
    out += [
        fac("social_counselling", "02", "Kirchliche Allgemeine Sozialarbeit (KASA)", _DIAKONIE),
        fac("social_counselling", "01", "Allgemeine Sozialberatung", _CARITAS),
        fac("debt_counselling", "02", "Schuldner- und Insolvenzberatung", _CARITAS),
        fac("migration_counselling", "02", "Migrationsberatung für Erwachsene", _CARITAS),
        fac("migration_counselling", "02", "Jugendmigrationsdienst", _DIAKONIE,
          target_group="junge Zugewanderte 12–27 Jahre", status="opened"),
        fac("family_counselling", "03", "Beratungsstelle für Eltern, Kinder und Jugendliche",
          _CARITAS),
        fac("care_counselling", "01", "Pflegestützpunkt Musterstadt", "Landkreis Musterkreis",
          street="Rathausstraße"),
        fac("addiction_counselling", "02", "Suchtberatung Musterstadt", _DIAKONIE),
    ]

    # everyday help
    out += [
        fac("food_bank", "02", "Musterstädter Tafel", "Musterstädter Tafel e. V."),
        fac("clothes_store", "02", "DRK-Kleiderladen", _DRK),
        fac("neighbourhood_help", "01", "Nachbarschaftshilfe Altstadt", _KATH),
        fac("neighbourhood_help", "03", "Nachbarschaftshilfe Nordstadt", _EV),
        fac("neighbourhood_help", "07", "Nachbarschaftshilfe St. Ilgenau",
          "Landfrauen St. Ilgenau e. V.", status="opened"),
        fac("visiting_service", "01", "Besuchsdienst der Ev. Kirchengemeinde", _EV),
        fac("visiting_service", "05", "Besuchs- und Einkaufsdienst Sandberg", _DRK),
        fac("social_department_store", "06", "Sozialkaufhaus Fundgrube", _CARITAS, place="area"),
    ]

    # health and care
    for qid, n in (("01", 4), ("02", 2), ("03", 3), ("04", 1), ("05", 2)):
        for _ in range(n):
            out.append(fac("gp", qid, f"Hausarztpraxis Dr. med. {names.first()} "
                                    f"{names.surname()}", _PRIVAT))
    gp_02 = [f for f in out if f.category == "gp" and f.quarter == "02"]
    gp_02[0].status = "closed"
    out.append(fac("gp", "03", "Hausarztzentrum Nordstadt", _PRIVAT, status="opened"))
    for qid in ("01", "03"):
        out.append(fac("paediatrician", qid, f"Kinder- und Jugendarztpraxis Dr. med. "
                                           f"{names.first()} {names.surname()}", _PRIVAT))
    for qid, kind in (("01", "Zahnarztpraxis"), ("02", "Zahnarztpraxis"), ("03", "Zahnarztpraxis"),
                      ("04", "Zahnarztpraxis"), ("01", "Augenarztpraxis"),
                      ("03", "Frauenarztpraxis"), ("01", "Orthopädische Praxis"),
                      ("02", "HNO-Praxis")):
        out.append(fac("doctor", qid, f"{kind} Dr. {names.first()} {names.surname()}", _PRIVAT,
                     target_group=""))
    out += [
        fac("pharmacy", "01", "Stadt-Apotheke", _PRIVAT, street="Hauptstraße"),
        fac("pharmacy", "02", "Apotheke am Bahnhof", _PRIVAT, street="Bahnhofstraße"),
        fac("pharmacy", "03", "Nord-Apotheke", _PRIVAT, street="Nordring"),
        fac("pharmacy", "03", "Linden-Apotheke", _PRIVAT, street="Lindenstraße"),
        fac("pharmacy", "04", "Sonnen-Apotheke", _PRIVAT, street="Sonnenhalde"),
        fac("pharmacy", "05", "Sandberg-Apotheke", _PRIVAT, street="Sandbergstraße"),
        fac("clinic", "02", "MVZ Ärztehaus am Bahnhof", _PRIVAT, street="Bahnhofstraße"),
        fac("nursing_home", "01", "Seniorenzentrum Am Stadtgarten", _CARITAS, 96, 104),
        fac("nursing_home", "03", "Pflegeheim Haus Lindenhof", _AWO, 72, street="Lindenstraße"),
        fac("nursing_home", "", "Pflegeheim Rebenhof", _DIAKONIE, 85, street="Musterstädter Weg",
          xy=(477000.0, 5463300.0)),
        fac("day_care_elderly", "01", "Tagespflege Altstadt", _CARITAS, 15),
        fac("day_care_elderly", "03", "Tagespflege Lindenhof", _AWO, 18, street="Lindenstraße"),
        fac("ambulatory_care", "01", "Sozialstation Musterstadt", _CARITAS),
        fac("ambulatory_care", "02", "DRK-Pflegedienst", _DRK),
        fac("ambulatory_care", "03", "Ambulante Pflege Nordlicht", _PRIVAT),
        fac("ambulatory_care", "04", "Pflegedienst Sonnenhalde", _PRIVAT, street="Sonnenhalde"),
    ]
    for f in out:
        if not f.target_group:
            f.target_group = _TARGET.get(f.category, "")
        if f.category == "doctor":
            f.target_group = ""
    return out


def _place_facilities(rng: np.random.Generator, facilities: list[_Facility],
                      shapes: dict[str, Polygon], grid: _Grid) -> None:
    """Give every facility a location, an id and an address (in place)."""
    for f in facilities:
        if f.xy is not None:
            continue
        shape = shapes[f.quarter]
        inner = shape.buffer(-5.0)
        cells = np.flatnonzero(grid.quarter == f.quarter)
        while True:
            if f.place == "pop" and f.quarter != "06":
                weight = grid.total[cells] / grid.total[cells].sum()
                cell = cells[rng.choice(cells.size, p=weight)]
                x = grid.x[cell] + rng.uniform(-40.0, 40.0)
                y = grid.y[cell] + rng.uniform(-40.0, 40.0)
            else:
                minx, miny, maxx, maxy = inner.bounds
                x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
            if inner.contains(Point(x, y)):
                f.xy = (round(x, 1), round(y, 1))
                break
    # ids: facilities of 2024 first (in list order), then the ones opened in 2025
    numbered = [f for f in facilities if f.status != "opened"] + \
               [f for f in facilities if f.status == "opened"]
    for number, f in enumerate(numbered, start=1):
        f.facility_id = f"E{number:04d}"
    # addresses
    for f in numbered:
        if f.quarter:
            q = _BY_ID[f.quarter]
            f.ort = q.ort
            if not f.street:
                f.street = q.streets[rng.integers(len(q.streets))]
        else:
            f.plz, f.ort = _NEIGHBOUR_PLZ, _NEIGHBOUR
        if f.category in ("playground", "park", "transit_stop", "marketplace"):
            f.house_number = ""
        else:
            number = int(rng.integers(1, 90))
            suffix = "a" if rng.random() < 0.1 else ""
            f.house_number = f"{number}{suffix}"


# --------------------------------------------------------------------------------------------
# tables
# --------------------------------------------------------------------------------------------

def _decimal(value: float, digits: int = 1) -> str:
    """Format a number with a decimal comma and a fixed number of digits."""
    return f"{value:.{digits}f}".replace(".", ",")


def _csv_text(header: Sequence[str], rows: Sequence[Sequence[object]],
              line_end: str = "\n") -> str:
    """Render rows as ``;``-separated CSV text (quoting only where needed)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator=line_end,
                        quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows([["" if v is None else str(v) for v in row] for row in rows])
    return buffer.getvalue()


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    """Write text exactly as given (no newline translation)."""
    with open(path, "w", encoding=encoding, newline="") as handle:
        handle.write(text)
    return path


def _write_quarters(path: Path, shapes: dict[str, Polygon]) -> Path:
    """Write the quarters as GeoJSON in EPSG:25832 with a ``crs`` member.

    Written with :mod:`json` rather than GDAL so that the bytes do not depend on the GDAL
    version (the sample test compares them); coordinates are rounded to 0.1 m.
    """
    features = []
    for quarter in QUARTERS:
        geometry = shapely.geometry.mapping(shapely.set_precision(shapes[quarter.quarter_id], 0.1))
        rings = [[[round(x, 1), round(y, 1)] for x, y in ring]
                 for ring in geometry["coordinates"]]
        features.append({"type": "Feature",
                         "properties": {"quartier_nr": quarter.quarter_id, "name": quarter.name},
                         "geometry": {"type": "Polygon", "coordinates": rings}})
    collection = {"type": "FeatureCollection", "name": "quartiere",
                  "crs": {"type": "name",
                          "properties": {"name": "urn:ogc:def:crs:EPSG::25832"}},
                  "features": features}
    lines = ",\n".join(json.dumps(f, ensure_ascii=False) for f in features)
    header = json.dumps({k: v for k, v in collection.items() if k != "features"},
                        ensure_ascii=False)[:-1]
    path.write_text(f'{header}, "features": [\n{lines}\n]}}\n', encoding="utf-8")
    return path


def _zensus_tables(grid: _Grid) -> tuple[str, str]:
    """The two Zensus 2022 grid tables (population and 10-year age groups)."""
    cell_id = np.array([f"CRS3035RES100mN{n}E{e}" for n, e in zip(grid.north, grid.east)])
    order = np.argsort(cell_id, kind="stable")
    pop_rows, age_rows = [], []
    for i in order:
        base = [cell_id[i], int(grid.east[i]) + 50, int(grid.north[i]) + 50]
        total = int(grid.total[i])
        pop_rows.append(base + [total])
        if total < 3:
            decades: list[int | str] = [_SUPPRESSED] * 9
        else:
            decades = [int(v) for v in grid.decades[i]]
        age_rows.append(base + [total] + decades + [""])
    population = _csv_text(["GITTER_ID_100m", "x_mp_100m", "y_mp_100m", "Einwohner"], pop_rows)
    ages = _csv_text(["GITTER_ID_100m", "x_mp_100m", "y_mp_100m", "Insgesamt_Bevoelkerung",
                      *_ZENSUS_AGE_COLUMNS, "werterlaeuternde_Zeichen"], age_rows)
    return population, ages


def _register_table(grid: _Grid) -> str:
    """The municipal register per quarter, as Excel writes it (ids without leading zeros)."""
    rows = []
    for i, q in enumerate(QUARTERS):
        bands = [int(v) for v in grid.register[i]]
        rows.append([int(q.quarter_id), q.name, sum(bands), *bands])
    header = ["Quartier", "Quartiersname", "Einwohner", *[b[0] for b in _REGISTER_BANDS]]
    return _csv_text(header, rows, line_end="\r\n")


def _facility_table(facilities: list[_Facility], edition: str) -> str:
    """The facility register of one edition, sorted by id."""
    header = ["id", "name", "kategorie", "traeger", "plaetze", "strasse", "hausnummer", "plz",
              "ort", "rechtswert", "hochwert", "zielgruppe"]
    rows = []
    for f in sorted(facilities, key=lambda item: item.facility_id):
        if (edition == "2024" and f.status == "opened") or \
                (edition == "2025" and f.status == "closed"):
            continue
        assert f.xy is not None, "_place_facilities gives every facility a location"
        capacity = f.capacity
        if edition == "2025" and f.capacity_2025 is not None:
            capacity = f.capacity_2025
        rows.append([f.facility_id, f.name, f.category, f.operator,
                     "" if capacity is None else capacity, f.street, f.house_number, f.plz,
                     f.ort, _decimal(f.xy[0]), _decimal(f.xy[1]), f.target_group])
    return _csv_text(header, rows)


# persons per dwelling, share of barrier-free dwellings (%), rent EUR/m², vacancy (%),
# social dwellings outside the listed complexes
_HOUSING = {
    "01": (1.75, 9.0, 9.40, 3.8, 18),
    "02": (2.05, 4.0, 8.60, 4.6, 41),
    "03": (2.10, 6.0, 9.10, 2.1, 27),
    "04": (2.55, 12.0, 11.80, 0.8, 0),
    "05": (2.20, 5.0, 10.30, 1.2, 4),
    "06": (2.00, 0.0, 8.20, 6.5, 0),
    "07": (2.35, 2.0, 8.90, 2.9, 0),
}


def _housing_table(grid: _Grid, facilities: list[_Facility]) -> str:
    """Housing figures per quarter (social and assisted places match the 2025 register)."""
    header = ["quartier", "wohnungen", "sozialwohnungen", "barrierefreie_wohnungen",
              "betreutes_wohnen_plaetze", "durchschnittsmiete_qm", "leerstandsquote"]
    rows = []
    for i, q in enumerate(QUARTERS):
        size, barrier_free, rent, vacancy, extra_social = _HOUSING[q.quarter_id]
        current = [f for f in facilities if f.quarter == q.quarter_id and f.status != "closed"]

        def places(category: str, *, current: list[_Facility] = current) -> int:
            return sum((f.capacity_2025 if f.capacity_2025 is not None else f.capacity) or 0
                       for f in current if f.category == category)

        dwellings = int(round(int(grid.register[i].sum()) / size))
        rows.append([q.quarter_id, dwellings, places("social_housing") + extra_social,
                     int(round(dwellings * barrier_free / 100)), places("assisted_living"),
                     _decimal(rent, 2), _decimal(vacancy, 1)])
    return _csv_text(header, rows)


# 2022 value and change per year (percentage points) of: unemployed, SGB II, SGB II under 15,
# basic income support 65+, single parents, migration background; last: population growth/year
_SOCIAL = {
    "01": ((5.2, 0.10), (8.4, 0.20), (14.5, 0.30), (5.8, 0.30), (19.5, 0.20), (31.0, 0.60), -0.004),
    "02": ((9.1, 0.40), (16.8, 0.60), (29.5, 0.90), (8.7, 0.40), (27.8, 0.50), (52.5, 1.20), 0.009),
    "03": ((5.9, 0.00), (9.6, 0.10), (16.2, 0.20), (4.9, 0.20), (21.0, 0.10), (34.5, 0.70), 0.002),
    "04": ((2.4, -0.10), (3.1, -0.10), (4.2, -0.20), (1.2, 0.00), (12.5, -0.10), (18.0, 0.40),
           0.018),
    "05": ((2.9, 0.00), (3.8, 0.00), (5.5, -0.10), (2.6, 0.10), (14.2, 0.00), (16.5, 0.30),
           -0.003),
    "06": ((7.5, 0.20), (12.0, 0.30), (20.0, 0.50), (6.0, 0.00), (25.0, 0.30), (45.0, 0.50), 0.0),
    "07": ((2.7, 0.05), (3.5, 0.00), (4.8, 0.00), (2.2, 0.00), (11.0, 0.10), (12.5, 0.30), 0.003),
}
_YEARS = (2022, 2023, 2024, 2025)


def _social_table(rng: np.random.Generator, grid: _Grid) -> str:
    """Social indicators per quarter and year: linear trends plus a little noise."""
    header = ["quartier", "jahr", "einwohner", "arbeitslose_anteil", "sgb2_anteil",
              "sgb2_unter15_anteil", "grundsicherung_65plus_anteil", "alleinerziehende_anteil",
              "migrationshintergrund_anteil"]
    steps = np.arange(len(_YEARS), dtype=float)
    rows = []
    for i, q in enumerate(QUARTERS):
        *indicators, growth = _SOCIAL[q.quarter_id]
        population = int(grid.register[i].sum()) * (1.0 + growth) ** steps
        noise = rng.normal(0.0, 0.12, size=(len(indicators), len(_YEARS)))
        noise[:, 0] = 0.0
        values = [np.clip(start + slope * steps + noise[k], 0.0, 100.0)
                  for k, (start, slope) in enumerate(indicators)]
        for t, year in enumerate(_YEARS):
            rows.append([q.quarter_id, year, int(round(population[t])),
                         *[_decimal(v[t], 1) for v in values]])
    return _csv_text(header, rows)


# id, name, type, fields, quarter, public
_ACTORS = (
    ("Amt für Soziales und Familie", "Verwaltung", "counselling|everyday_help|housing", "", "ja"),
    ("Stadtplanungsamt", "Verwaltung", "housing|environment", "", "ja"),
    ("Ortsverwaltung St. Ilgenau", "Verwaltung", "environment|social_infrastructure", "07", "ja"),
    ("Caritasverband Musterkreis e. V.", "Wohlfahrtsverband", "counselling|health_care", "", "ja"),
    ("Diakonisches Werk Musterkreis", "Wohlfahrtsverband", "counselling|everyday_help", "02",
     "ja"),
    ("AWO Kreisverband Musterkreis e. V.", "Wohlfahrtsverband",
     "social_infrastructure|everyday_help|health_care", "03", "ja"),
    ("DRK-Ortsverein Musterstadt", "Wohlfahrtsverband", "health_care|everyday_help", "", "ja"),
    ("Lebenshilfe Musterkreis e. V.", "Wohlfahrtsverband", "housing|social_infrastructure", "",
     "ja"),
    ("Ev. Kirchengemeinde Musterstadt", "Kirchengemeinde", "social_infrastructure|everyday_help",
     "01", "ja"),
    ("Kath. Kirchengemeinde St. Martin", "Kirchengemeinde", "social_infrastructure|everyday_help",
     "01", "ja"),
    ("Kath. Kirchengemeinde St. Ilgenau", "Kirchengemeinde", "social_infrastructure", "07", "nein"),
    ("Islamischer Kulturverein Musterstadt e. V.", "Verein",
     "social_infrastructure|counselling", "02", "nein"),
    ("Musterstädter Wohnbau GmbH", "Wohnungsunternehmen", "housing|environment", "", "ja"),
    ("Baugenossenschaft Nordstadt eG", "Wohnungsunternehmen", "housing", "03", "ja"),
    ("Rheintal Wohnen Verwaltungs-GmbH", "Wohnungsunternehmen", "housing", "02", "nein"),
    ("Musterstädter Tafel e. V.", "Verein", "everyday_help", "02", "ja"),
    ("Nachbarschaftshilfe Nordstadt", "Initiative", "everyday_help", "03", "nein"),
    ("Bürgerverein Altstadt e. V.", "Verein", "environment|social_infrastructure", "01", "ja"),
    ("Heimat- und Verkehrsverein St. Ilgenau e. V.", "Verein", "environment", "07", "nein"),
    ("TSV 1889 Musterstadt e. V.", "Verein", "environment|social_infrastructure", "", "ja"),
    ("Jugendhaus Musterstadt e. V.", "Verein", "social_infrastructure", "01", "ja"),
    ("Seniorenrat Musterstadt", "Initiative", "social_infrastructure|health_care", "", "ja"),
    ("Initiative Familien am Südhang", "Initiative", "social_infrastructure|environment", "04",
     "nein"),
    ("Eltern-Kind-Treff Bahnhofsviertel", "Initiative", "social_infrastructure|counselling", "02",
     "nein"),
    ("Gewerbeverein Musterstadt e. V.", "Einzelhandel", "environment", "", "ja"),
    ("Marktbeschicker Wochenmarkt Altstadt", "Einzelhandel", "environment", "01", "nein"),
    ("Dorfladen St. Ilgenau eG", "Einzelhandel", "environment|everyday_help", "07", "nein"),
    ("Apotheke am Bahnhof", "Gesundheit", "health_care", "02", "ja"),
    ("Ärztenetz Musterstadt e. V.", "Gesundheit", "health_care", "", "ja"),
    ("Pflegestützpunkt Musterstadt", "Gesundheit", "counselling|health_care", "", "ja"),
    ("Pflegedienst Sonnenhalde", "Gesundheit", "health_care", "04", "nein"),
    ("Grundschule Altstadt", "Schule", "social_infrastructure", "01", "ja"),
    ("Gemeinschaftsschule Nordstadt", "Schule", "social_infrastructure|counselling", "03", "ja"),
    ("Grundschule St. Ilgenau", "Schule", "social_infrastructure", "07", "ja"),
    ("Kita Regenbogen", "Kita", "social_infrastructure", "02", "ja"),
    ("Familienzentrum Nordstadt", "Kita", "social_infrastructure|counselling", "03", "ja"),
    ("Freundeskreis Asyl Musterstadt", "Initiative", "counselling|everyday_help", "", "nein"),
    ("Repair-Café Nordstadt", "Initiative", "everyday_help|environment", "03", "nein"),
    ("Mieterverein Musterkreis e. V.", "Verein", "housing|counselling", "", "ja"),
    ("Landfrauen St. Ilgenau e. V.", "Verein", "everyday_help|social_infrastructure", "07", "nein"),
)


def _mail_part(text: str) -> str:
    """Lower-case ASCII form of a name for an e-mail address."""
    table = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ş": "s", " ": "-"})
    return text.lower().translate(table)


def _actors_table(rng: np.random.Generator, names: _Names) -> str:
    """Possible network partners with invented contact persons.

    Phone numbers come from the block 030 23125 000–999 that the Bundesnetzagentur keeps free
    for fiction (film, television), so none of them can reach a real person.
    """
    header = ["id", "name", "art", "handlungsfelder", "quartier", "ansprechperson", "email",
              "telefon", "oeffentlich"]
    extensions = rng.choice(np.arange(100, 1000), size=len(_ACTORS), replace=False)
    rows = []
    for i, (name, kind, fields, quarter, public) in enumerate(_ACTORS):
        first, last = names.first(), names.surname()
        rows.append([f"A{i + 1:02d}", name, kind, fields, quarter, f"{first} {last}",
                     f"{_mail_part(first)[0]}.{_mail_part(last)}@example.org",
                     f"030 23125 {int(extensions[i]):03d}", public])
    return _csv_text(header, rows)


_MEASURES = (
    ("Erweiterung der Kita Regenbogen um eine Gruppe", "social_infrastructure", "02",
     "kita:supply_rate", 480000, 455300, "abgeschlossen", "2024-03-01", "2025-02-28"),
    ("Anschubfinanzierung Dorfladen St. Ilgenau", "environment", "07",
     "convenience_store:median_distance", 60000, 60000, "abgeschlossen", "2024-06-01",
     "2025-03-31"),
    ("Seniorentreff Südhang einrichten", "social_infrastructure", "04", "senior_centre",
     35000, 21450.5, "laufend", "2024-09-01", "2026-06-30"),
    ("Hausärztliche Sprechstunde in St. Ilgenau (Telemedizin)", "health_care", "07", "gp",
     48000, 12800, "laufend", "2025-01-01", "2026-12-31"),
    ("Neuer Spielplatz am Bahnhofsplatz", "environment", "02", "playground",
     120000, 118420.75, "abgeschlossen", "2024-04-15", "2025-04-30"),
    ("Außensprechstunde der Schuldnerberatung", "counselling", "02|03", "debt_counselling",
     25000, 9000, "laufend", "2025-02-01", "2026-01-31"),
    ("Barrierefreier Umbau von Bushaltestellen", "environment", "01|02|03|04|05", "transit_stop",
     210000, 64000, "laufend", "2024-05-01", "2027-12-31"),
    ("Aufbau einer Nachbarschaftshilfe in St. Ilgenau", "everyday_help", "07",
     "neighbourhood_help", 18000, 15250, "abgeschlossen", "2024-02-01", "2025-01-31"),
    ("Modernisierung der Sozialwohnungen am Nordring", "housing", "03", "social_housing",
     950000, 0, "geplant", "2026-01-01", "2027-12-31"),
    ("Mehrsprachige Familienberatung im Bahnhofsviertel", "counselling", "02",
     "family_counselling", 30000, 0, "geplant", "2025-10-01", "2026-09-30"),
    ("Praxisräume für ein Hausarztzentrum in der Nordstadt", "health_care", "03",
     "gp:fca_access", 75000, 75000, "abgeschlossen", "2024-01-15", "2024-12-31"),
    ("Bürgerbus Südhang (Probebetrieb)", "environment", "04", "transit_stop", 40000, 6500,
     "abgebrochen", "2024-04-01", "2024-09-30"),
    ("Mobile Pflegeberatung in St. Ilgenau", "counselling", "07", "care_counselling",
     22000, 0, "geplant", "2026-01-01", "2026-12-31"),
)


def _measures_table() -> str:
    """The thirteen measures of quarter development (``ziel_kategorie``: a category, or
    ``category:indicator`` where a measure aims at one indicator).
    """
    header = ["id", "titel", "handlungsfeld", "quartier", "ziel_kategorie", "budget_geplant",
              "budget_ausgegeben", "status", "beginn", "ende"]
    rows = [[f"M{i + 1:02d}", title, field, quarter, target, _decimal(planned, 2),
             _decimal(spent, 2), status, start, end]
            for i, (title, field, quarter, target, planned, spent, status, start, end)
            in enumerate(_MEASURES)]
    return _csv_text(header, rows)


# Residents' concerns (Anliegen) from the consultation hours of the quarter office.
_CONCERN_YEARS = (2023, 2024, 2025)
# concerns per year and quarter (about), and the weight of each field in that quarter
_CONCERN_RATE = {"01": 26, "02": 46, "03": 36, "04": 24, "05": 11, "06": 2, "07": 15}
_CONCERN_FIELDS = {   # housing, environment, social_infrastructure, counselling, everyday_help,
    #                   health_care
    "01": (2, 2, 1, 1, 3, 4),
    "02": (5, 3, 2, 4, 3, 1),
    "03": (3, 2, 2, 2, 2, 2),
    "04": (1, 4, 5, 1, 1, 1),
    "05": (1, 2, 1, 1, 2, 3),
    "06": (2, 3, 1, 1, 1, 1),
    "07": (1, 4, 2, 1, 2, 5),
}
_CONCERN_ITEMS = {   # field -> (topic, internal note)
    "housing": (
        ("Mängel in der Wohnung",
         "Heizung fällt seit Wochen immer wieder aus, Hausverwaltung antwortet nicht"),
        ("Mängel in der Wohnung", "Schimmel im Kinderzimmer, Fotos mitgebracht"),
        ("Mietkosten", "Mieterhöhung erhalten, möchte wissen, ob sie zulässig ist"),
        ("Wohnungssuche", "sucht kleinere Wohnung im Erdgeschoss nach Hüftoperation"),
        ("Nebenkosten", "Nachzahlung der Nebenkosten kann nicht auf einmal bezahlt werden")),
    "environment": (
        ("Spielplatz", "Schaukel auf dem Spielplatz seit dem Frühjahr defekt"),
        ("Beleuchtung", "Straßenlaterne vor dem Haus bleibt nachts dunkel"),
        ("Busverbindung",
         "Bus fährt abends nur noch stündlich, Rückweg von der Spätschicht fehlt"),
        ("Sauberkeit im Quartier", "Sperrmüll liegt seit zwei Wochen an der Ecke"),
        ("Einkaufen", "nächster Supermarkt zu Fuß nicht erreichbar, Lieferdienst zu teuer")),
    "social_infrastructure": (
        ("Kita-Platz", "findet für die Tochter keinen Kita-Platz ab Herbst"),
        ("Treffpunkt im Quartier", "wünscht einen Raum für den Nachbarschaftstreff am Abend"),
        ("Angebote für Jugendliche",
         "Jugendliche treffen sich mangels Angebot an der Haltestelle"),
        ("Seniorentreff", "vermisst einen Seniorentreff in Laufweite")),
    "counselling": (
        ("Schulden", "Mahnbescheid erhalten, braucht Termin bei der Schuldnerberatung"),
        ("Anträge und Behördenpost", "Hilfe beim Ausfüllen des Wohngeldantrags"),
        ("Aufenthalt und Sprache",
         "versteht Brief der Ausländerbehörde nicht, Termin mit Dolmetscherin"),
        ("Erziehungsfragen", "Sohn verweigert den Schulbesuch, Eltern suchen Beratung")),
    "everyday_help": (
        ("Einkaufshilfe", "braucht nach Krankenhausaufenthalt Hilfe beim Einkaufen"),
        ("Begleitung zu Terminen", "sucht Begleitung zum Facharzttermin in der Kreisstadt"),
        ("Nachbarschaftsstreit", "Streit mit Nachbarn über Lärm im Treppenhaus"),
        ("Lebensmittelhilfe", "fragt nach Ausgabezeiten der Tafel und einem Berechtigungsschein")),
    "health_care": (
        ("Hausarzt", "Hausarztpraxis nimmt keine neuen Patienten mehr auf"),
        ("Pflege von Angehörigen", "pflegt den Vater allein und braucht Entlastung"),
        ("Apotheke", "kommt ohne Auto nicht zur Apotheke im Hauptort"),
        ("Fahrdienst zum Arzt", "sucht Fahrdienst zur Dialyse dreimal die Woche")),
}
_CONCERN_FOLLOW_UP = ("Rückruf zugesagt", "an das Amt weitergegeben", "Termin vereinbart",
                      "Infoblatt mitgegeben", "bei der nächsten Sprechstunde nachfragen")


def _concerns_table(rng: np.random.Generator, grid: _Grid) -> str:
    """Concerns from the consultation hours 2023–2025, with internal free-text notes.

    About two thirds name the quarter, the others only the place the concern is about
    (coordinates at the centre of a populated cell of that quarter). Older concerns are mostly
    done, recent ones open. The note (``notiz``) is internal and never published.
    """
    header = ["id", "datum", "handlungsfeld", "quartier", "rechtswert", "hochwert", "status",
              "thema", "notiz"]
    fields = ("housing", "environment", "social_infrastructure", "counselling",
              "everyday_help", "health_care")
    records = []
    for year in _CONCERN_YEARS:
        for q in QUARTERS:
            n = int(rng.poisson(_CONCERN_RATE[q.quarter_id]))
            weights = np.array(_CONCERN_FIELDS[q.quarter_id], dtype=float)
            chosen = rng.choice(len(fields), size=n, p=weights / weights.sum())
            days = np.sort(rng.integers(0, 365, size=n))
            cells = np.flatnonzero(grid.quarter == q.quarter_id)
            for k in range(n):
                field = fields[int(chosen[k])]
                date = np.datetime64(f"{year}-01-01") + np.timedelta64(int(days[k]), "D")
                by_point = rng.random() < 0.35
                cell = cells[rng.integers(cells.size)]
                topic, note = _CONCERN_ITEMS[field][rng.integers(len(_CONCERN_ITEMS[field]))]
                follow = _CONCERN_FOLLOW_UP[rng.integers(len(_CONCERN_FOLLOW_UP))]
                age = (np.datetime64("2025-12-31") - date).astype(int)
                done = rng.random() < min(0.95, age / 400.0)
                status = "erledigt" if done else ("offen", "in Bearbeitung",
                                                  "weitergeleitet")[rng.integers(3)]
                records.append((str(date), field, q.quarter_id if not by_point else "",
                                _decimal(grid.x[cell]) if by_point else "",
                                _decimal(grid.y[cell]) if by_point else "", status, topic,
                                f"{note} – {follow}"))
    records.sort(key=lambda r: (r[0], r[1]))
    rows = [[f"AN{year_index + 1:04d}", *record]
            for year_index, record in enumerate(records)]
    return _csv_text(header, rows)


_CONFIG = '''\
# Studienkonfiguration für die fiktive Beispielstadt Musterstadt.
# Alle Daten sind frei erfunden. Pfade gelten relativ zum Ordner dieser Datei.
# Aufbau und Bedeutung jedes Eintrags: docs/config.md.
# Erzeugt mit: python -m quartier.sample.musterstadt data/sample

# Allgemeine Angaben zur Studie: Name (auch Ordner des Berichts), Koordinatensystem, in dem
# gerechnet wird (ETRS89 / UTM 32N, in Metern), Ausgabe (Jahr der Fortschreibung) und
# Sprache des Berichts. Die Quellenzeile steht unter jeder Karte und im Bericht.
[study]
name = "Musterstadt"
crs = "EPSG:25832"
edition = "2025"
language = "de"
# Quartiersnummern haben zwei Stellen ("01" bis "07"). Weil alle gleich lang sind, werden
# Nummern ohne führende Null (z. B. aus Excel) automatisch aufgefüllt; sonst: id_width = 2
attribution = ["Fiktive Beispieldaten: Musterstadt und alle Angaben sind frei erfunden."]

# Die Quartiersgrenzen. Spalte "quartier_nr" enthält die Quartiersnummer (als Text, mit
# führender Null), Spalte "name" den Namen des Quartiers.
[quarters]
path = "quartiere.geojson"
date = "01.01.2025"
columns = { quarter_id = "quartier_nr", name = "name" }

# Einwohner im 100-m-Gitter aus dem Zensus 2022: Einwohnerzahl und Altersgruppen je
# Gitterzelle. Beide Dateien werden über die Gitter-ID verbunden. Das Format "zensus2022"
# kennt die Spaltennamen und das Koordinatensystem (EPSG:3035) der Zensus-Dateien.
[population.grid]
path = ["zensus2022_bevoelkerung_100m.csv", "zensus2022_alter_10er_100m.csv"]
date = "Zensusstichtag 15.05.2022"
format = "zensus2022"

# Einwohner je Quartier aus dem Melderegister (Export aus Excel, Windows-1252). Die
# Quartiersnummern stehen dort ohne führende Null (1, 2, …) und werden beim Einlesen ergänzt.
[population.quarters]
path = "einwohner_quartiere.csv"
date = "31.12.2024"

# Zuordnung der Spalten: links, was die Spalte bedeutet; rechts, wie sie in der Datei heißt.
# age_0_2 = Kinder von 0 bis einschließlich 2 Jahren, age_80_plus = 80 Jahre und älter.
[population.quarters.columns]
quarter_id = "Quartier"
name = "Quartiersname"
total = "Einwohner"
age_0_2 = "0 bis 2"
age_3_5 = "3 bis 5"
age_6_9 = "6 bis 9"
age_10_14 = "10 bis 14"
age_15_17 = "15 bis 17"
age_18_24 = "18 bis 24"
age_25_44 = "25 bis 44"
age_45_64 = "45 bis 64"
age_65_74 = "65 bis 74"
age_75_79 = "75 bis 79"
age_80_plus = "80 und älter"

# Einrichtungen und Angebote (Kitas, Schulen, Ärzte, Beratungsstellen, Spielplätze, …).
# {edition} wird durch die Ausgabe ersetzt: für 2025 wird einrichtungen_2025.csv gelesen.
# Die Koordinaten stehen in "rechtswert" und "hochwert" (EPSG:25832). Die Kategorie muss ein
# Schlüssel des Katalogs sein (z. B. kita, gp, playground). Die Adresse wird aus den vier
# Adressspalten zusammengesetzt.
[[facilities]]
label = "Einrichtungsregister Musterstadt"
path = "einrichtungen_{edition}.csv"
date = "Januar {edition}"
x = "rechtswert"
y = "hochwert"
crs = "EPSG:25832"
address_columns = ["strasse", "hausnummer", "plz", "ort"]

[facilities.columns]
facility_id = "id"
name = "name"
category = "kategorie"
capacity = "plaetze"  # Plätze, Schüler*innen, Wohnungen; leer, wo nicht zutreffend
operator = "traeger"
target_group = "zielgruppe"

# Wohnungsdaten je Quartier. Alle weiteren Spalten (Wohnungen, Sozialwohnungen, Miete,
# Leerstand, …) werden als Kennzahlen übernommen.
[housing]
path = "wohnen.csv"
date = "31.12.2024"
columns = { quarter_id = "quartier" }

# Sozialindikatoren je Quartier und Jahr (Anteile in Prozent). Aus der Veränderung über die
# Jahre berechnet quartier die Dynamik.
[[social]]
path = "sozialindikatoren.csv"
date = "jeweils 31.12., 2022–2025"
columns = { quarter_id = "quartier", year = "jahr" }

# Mögliche Netzwerkpartner im Quartier. Die Handlungsfelder eines Akteurs sind in der Datei
# mit "|" getrennt. Ein leeres Quartier bedeutet: stadtweit tätig. Der öffentliche Bericht
# nennt jede Organisation; Ansprechperson, E-Mail und Telefon aber nur, wo "oeffentlich" = ja.
[actors]
path = "akteure.csv"
date = "Januar 2025"
list_separator = "|"

[actors.columns]
actor_id = "id"
name = "name"
type = "art"
fields = "handlungsfelder"
quarter_id = "quartier"
public = "oeffentlich"

# Maßnahmen der Quartiersentwicklung mit Budget, Stand und Laufzeit. Betrifft eine Maßnahme
# mehrere Quartiere, stehen deren Nummern mit "|" getrennt in der Spalte "quartier". Das Ziel
# ist die Kategorie einer Lücke (z. B. kita) oder Kategorie:Indikator (kita:supply_rate).
[measures]
path = "massnahmen.csv"
date = "Januar 2025"
list_separator = "|"

[measures.columns]
measure_id = "id"
title = "titel"
field = "handlungsfeld"
quarter_id = "quartier"
target = "ziel_kategorie"
budget_planned = "budget_geplant"
budget_spent = "budget_ausgegeben"
status = "status"  # geplant, laufend, abgeschlossen oder abgebrochen
start = "beginn"
end = "ende"

# Anliegen aus den Sprechstunden des Quartiersbüros: Datum, Handlungsfeld, Quartier oder
# (wenn nur der Ort bekannt ist) Koordinaten, Bearbeitungsstand und Thema. Die Spalte "notiz"
# ist ein interner Freitext und erscheint nie im Bericht. Der Bericht zeigt nur Anzahlen je
# Quartier, Handlungsfeld und Jahr; Anzahlen unter min_count erscheinen als "< 3".
[concerns]
path = "anliegen.csv"
date = "Sprechstunden 2023–2025"
x = "rechtswert"
y = "hochwert"
crs = "EPSG:25832"
min_count = 3
period = "year"             # oder "half_year" für Halbjahre

[concerns.columns]
concern_id = "id"
date = "datum"
field = "handlungsfeld"
quarter_id = "quartier"
status = "status"
topic = "thema"

# Wie die Indikatoren berechnet und bewertet werden. Ohne Richtwert wird ein Quartier mit dem
# Median der Stadt verglichen. Quartiere unter 300 Einwohner*innen werden nicht bewertet.
[indicators]
catchment_m = 1500          # Einzugsbereich (Luftlinie) für Angebote ohne Entfernungs-Richtwert
min_population = 300

# Sozialindex nach dem Verfahren des Berliner Monitorings Soziale Stadtentwicklung:
# Statusindikatoren des Jahres der Ausgabe ({edition}: 2025 für die Ausgabe 2025), Dynamik =
# Veränderung gegenüber zwei Jahren zuvor.
[indicators.status_index]
status = ["arbeitslose_anteil", "sgb2_anteil", "sgb2_unter15_anteil"]
population = "einwohner"
min_population = 300
dynamics_years = 2
year = "{edition}"
'''


# --------------------------------------------------------------------------------------------
# entry points
# --------------------------------------------------------------------------------------------

def generate(out_dir: str | Path) -> list[Path]:
    """Write the Musterstadt sample data set into a folder.

    Parameters
    ----------
    out_dir : str or pathlib.Path
        Target folder; created if missing. Existing files of the same names are overwritten.

    Returns
    -------
    list of pathlib.Path
        The written files, in the order of :data:`FILES`.

    Notes
    -----
    The output is deterministic: every random draw comes from
    ``numpy.random.default_rng(2025)`` in a fixed order, numbers are formatted with a fixed
    number of digits and rows are sorted, so two runs write identical bytes. The residents of
    each quarter are spread over the 100 m cells whose centres lie in the quarter and each
    resident gets an age; the Zensus grid tables and the register are both counted from these
    residents, so register totals per quarter equal the grid totals per quarter.

    Examples
    --------
    >>> import tempfile
    >>> from quartier.sample.musterstadt import generate
    >>> paths = generate(tempfile.mkdtemp())
    >>> [p.name for p in paths][:2]
    ['quartiere.geojson', 'zensus2022_bevoelkerung_100m.csv']
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(SEED)
    names = _Names(rng)
    shapes = _quarter_geometries()
    grid = _population(rng, shapes)
    facilities = _facility_list(names)
    _place_facilities(rng, facilities, shapes, grid)
    population_csv, ages_csv = _zensus_tables(grid)

    paths = [_write_quarters(out / FILES[0], shapes),
             _write(out / FILES[1], population_csv),
             _write(out / FILES[2], ages_csv),
             _write(out / FILES[3], _register_table(grid), encoding="cp1252")]
    for edition in _EDITIONS:
        paths.append(_write(out / f"einrichtungen_{edition}.csv",
                            _facility_table(facilities, edition)))
    paths += [_write(out / FILES[6], _housing_table(grid, facilities)),
              _write(out / FILES[7], _social_table(rng, grid)),
              _write(out / FILES[8], _actors_table(rng, names)),
              _write(out / FILES[9], _measures_table()),
              _write(out / FILES[10], _concerns_table(rng, grid)),
              _write(out / FILES[11], _CONFIG)]
    return paths


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point: ``python -m quartier.sample.musterstadt OUT_DIR``."""
    parser = argparse.ArgumentParser(
        prog="python -m quartier.sample.musterstadt",
        description="Schreibt die fiktiven Beispieldaten 'Musterstadt' in einen Ordner.")
    parser.add_argument("out_dir", type=Path, help="Zielordner, z. B. data/sample")
    args = parser.parse_args(argv)
    for path in generate(args.out_dir):
        print(path)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
