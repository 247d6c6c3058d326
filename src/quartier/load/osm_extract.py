"""Reading OpenStreetMap extracts (``.osm.pbf``, ``.osm``, ``.osm.gz``, ``.osm.bz2``) as facilities.

Regional extracts (Geofabrik, BBBike, an export from the OSM website) hold nodes, ways and
relations with all their tags. :func:`read_osm_extract` reads them with pyosmium (package
``osmium``, extra ``quartier[osm]``) and returns one row per object that carries a tag some
catalogue rule looks for (:mod:`quartier.osm`):

* **nodes** stay points;
* **closed ways and multipolygon relations** are assembled into areas by libosmium; each
  becomes a point inside the area (:func:`shapely.point_on_surface`) and keeps its area in
  square metres (``area_m2``, measured in the working CRS) and ``geometry_kind = "area"``, so
  that :mod:`quartier.load.completeness` sees that areas are present.

Open ways (a footpath tagged ``highway=bus_stop`` by mistake, a broken outline) are not read.
Tags are kept only for the keys the catalogue's rules use, plus ``name`` and ``operator``, so
memory stays small even for a large extract.

:func:`summarise_extract` reports per category how many objects were found and how many of
them were areas, and warns when a source classifies nothing or holds nodes only.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from quartier.format import format_number
from quartier.osm import parse_tag_rules
from quartier.validation import ValidationReport

__all__ = ["OSM_SUFFIXES", "INSTALL_HINT", "is_osm_extract", "rule_keys", "read_osm_extract",
           "summarise_extract"]

#: File endings read as OpenStreetMap extracts (``format = "osm"`` forces it for others).
OSM_SUFFIXES: tuple[str, ...] = (".osm.pbf", ".pbf", ".osm", ".osm.gz", ".osm.bz2", ".osm.xml")
#: What to do when pyosmium is missing.
INSTALL_HINT = 'pip install "quartier[osm]"'
_WGS84 = CRS.from_epsg(4326)
_ALWAYS_KEPT = ("name", "operator")


def is_osm_extract(path: str | Path, format: str | None = None) -> bool:
    """Whether a file is read as an OpenStreetMap extract.

    Examples
    --------
    >>> is_osm_extract("region.osm.pbf"), is_osm_extract("Kitas.csv")
    (True, False)
    >>> is_osm_extract("export.xml", format="osm")
    True
    """
    if format is not None:
        return str(format).lower() == "osm"
    name = Path(path).name.lower()
    return any(name.endswith(suffix) for suffix in OSM_SUFFIXES)


def _import_osmium():
    """pyosmium, or an ImportError saying in German how to install it."""
    try:
        import osmium
        import osmium.filter  # noqa: F401  (pyosmium >= 4: FileProcessor and filters)
    except ImportError as exc:
        raise ImportError("Zum Lesen von OpenStreetMap-Auszügen (.osm.pbf, .osm) wird das "
                          f"Paket pyosmium (osmium) gebraucht: {INSTALL_HINT}") from exc
    if not hasattr(osmium, "FileProcessor"):
        raise ImportError("Das installierte pyosmium ist zu alt (gebraucht wird Version 4.0 "
                          f"oder neuer): {INSTALL_HINT} --upgrade")
    return osmium


def _rules(catalogue: pd.DataFrame) -> list[dict[str, str]]:
    texts = catalogue["osm_tags"] if "osm_tags" in catalogue else pd.Series(dtype=object)
    return [rule for text in texts.dropna()
            for rule in parse_tag_rules(str(text))]


def rule_keys(catalogue: pd.DataFrame) -> list[str]:
    """Every tag key that a rule of the catalogue looks at, in catalogue order.

    Examples
    --------
    >>> import pandas as pd
    >>> rule_keys(pd.DataFrame({"osm_tags": ["amenity=school&isced:level=1", None,
    ...                                      "leisure=park;amenity=kindergarten"]}))
    ['amenity', 'isced:level', 'leisure']
    """
    keys: dict[str, None] = {}
    for rule in _rules(catalogue):
        keys.update(dict.fromkeys(rule))
    return list(keys)


def _filter_conditions(rules: list[dict[str, str]]) -> tuple[list[tuple[str, str]], list[str]]:
    """One condition per rule that every object matching the rule must meet.

    Returns the ``(key, value)`` pairs of rules with a condition on a value and the keys of
    rules whose conditions are all ``key=*``. An object matching a rule meets its pair (or
    has its key), so filtering on them loses nothing the classification would find. The value
    is also given lower-case and capitalised, because the classification ignores case.
    """
    pairs: dict[tuple[str, str], None] = {}
    keys: dict[str, None] = {}
    for rule in rules:
        concrete = [(k, v) for k, v in rule.items() if v != "*"]
        if concrete:
            key, value = concrete[0]
            pairs.update(dict.fromkeys((key, v) for v in (value, value.lower(),
                                                          value.capitalize())))
        else:
            keys[next(iter(rule))] = None
    return list(pairs), list(keys)


def read_osm_extract(path: str | Path, crs, catalogue: pd.DataFrame | None = None, *,
                     clip: shapely.Geometry | None = None,
                     extra_keys: Iterable[str] = ()) -> gpd.GeoDataFrame:
    """The objects of an OpenStreetMap extract that the catalogue's tag rules may classify.

    Parameters
    ----------
    path : str or Path
        An ``.osm.pbf``, ``.osm`` (XML), ``.osm.gz`` or ``.osm.bz2`` file.
    crs : pyproj.CRS or str or int
        The working CRS (projected, metres); coordinates and areas are given in it.
    catalogue : DataFrame, optional
        A catalogue with an ``osm_tags`` column (default:
        :func:`quartier.catalogue.default_catalogue`). Only objects with a tag that one of its
        rules needs are read.
    clip : shapely geometry, optional
        In the working CRS (the study area plus the context buffer): objects whose point lies
        outside it are dropped.
    extra_keys : iterable of str
        Further tag keys to keep as columns (e.g. ``capacity`` when it is mapped).

    Returns
    -------
    GeoDataFrame
        One row per object, in file order (nodes, then areas): ``facility_id`` (``node/123``,
        ``way/45``, ``relation/6``), ``geometry_kind`` (``point`` or ``area``), ``area_m2``
        (NaN for nodes), one column per kept tag key that occurs (``name``, ``operator``,
        ``amenity`` …; missing = tag not set) and a point geometry in ``crs``.

    Raises
    ------
    ImportError
        If pyosmium (>= 4.0) is not installed; the message names ``pip install
        "quartier[osm]"``.
    RuntimeError
        If libosmium cannot read the file (not an OSM file, truncated).

    Notes
    -----
    For an area *A* the point is ``point_on_surface(A)`` (always inside *A*, unlike the
    centroid of a crescent-shaped park) and ``area_m2`` is the planar area of *A* after
    reprojection to the working CRS (for ETRS89/UTM within 0.1 % of the true area).
    Multipolygon relations are assembled by libosmium (outer and inner rings; holes are
    subtracted). An object that is both a tagged closed way and the outer way of a tagged
    multipolygon appears twice, as in OpenStreetMap itself.
    """
    osmium = _import_osmium()
    import osmium.filter as osm_filter

    if catalogue is None:
        from quartier.catalogue import default_catalogue

        catalogue = default_catalogue()
    if "key" in catalogue.columns:
        catalogue = catalogue.set_index("key")
    rules = _rules(catalogue)
    wanted = set(rule_keys(catalogue)) | set(_ALWAYS_KEPT) | set(extra_keys)
    pairs, keys = _filter_conditions(rules)
    tag_filter: osm_filter.KeyFilter | osm_filter.TagFilter | None
    if keys:  # a rule with only key=* conditions: filter by keys (slower, loses nothing)
        tag_filter = osm_filter.KeyFilter(*dict.fromkeys([k for k, _ in pairs] + keys))
    elif pairs:
        tag_filter = osm_filter.TagFilter(*pairs)
    else:
        tag_filter = None

    ids: list[str] = []
    is_area: list[bool] = []
    lon: list[float] = []
    lat: list[float] = []
    wkb: list[str | None] = []  # hex WKB of areas, None for nodes
    tags: list[dict[str, str]] = []
    if tag_filter is not None:
        factory = osmium.geom.WKBFactory()
        processor = (osmium.FileProcessor(_osm_file(osmium, Path(path))).with_areas(tag_filter)
                     .with_filter(osm_filter.EntityFilter(osmium.osm.NODE | osmium.osm.AREA))
                     .with_filter(tag_filter))
        for obj in processor:
            if obj.is_area():
                try:
                    geometry = factory.create_multipolygon(obj)
                except RuntimeError:  # an area libosmium could not assemble: nothing to place
                    continue
                ids.append(f"{'way' if obj.from_way() else 'relation'}/{obj.orig_id()}")
                is_area.append(True)
                wkb.append(geometry)  # hex text, as shapely.from_wkb accepts it
                lon.append(np.nan)
                lat.append(np.nan)
            else:
                if not obj.location.valid():
                    continue
                ids.append(f"node/{obj.id}")
                is_area.append(False)
                wkb.append(None)
                lon.append(obj.location.lon)
                lat.append(obj.location.lat)
            tags.append({tag.k: tag.v for tag in obj.tags if tag.k in wanted})
    return _to_frame(ids, np.array(is_area, dtype=bool), np.array(lon, dtype=float),
                     np.array(lat, dtype=float), wkb, tags, CRS.from_user_input(crs), clip)


def _osm_file(osmium, path: Path):
    """The file for libosmium; its format guessed from the first bytes if the name lacks it."""
    if is_osm_extract(path):
        return osmium.io.File(str(path))
    with open(path, "rb") as stream:
        start = stream.read(64)
    if start.startswith(b"\x1f\x8b"):
        kind = "osm.gz"
    elif start.startswith(b"BZh"):
        kind = "osm.bz2"
    elif start.lstrip().startswith(b"<"):
        kind = "osm"
    else:
        kind = "pbf"
    return osmium.io.File(str(path), kind)


def _to_frame(ids: list[str], is_area: np.ndarray, lon: np.ndarray, lat: np.ndarray,
              wkb: list, tags: list[dict[str, str]], crs: CRS,
              clip: shapely.Geometry | None) -> gpd.GeoDataFrame:
    """Points (nodes) and areas in the working CRS, areas replaced by a point inside them."""
    shapes = np.empty(len(ids), dtype=object)
    shapes[~is_area] = shapely.points(lon[~is_area], lat[~is_area])
    if is_area.any():
        shapes[is_area] = shapely.from_wkb([w for w, a in zip(wkb, is_area) if a])
    projected = gpd.GeoSeries(shapes, crs=_WGS84).to_crs(crs).to_numpy()
    invalid = is_area & ~shapely.is_valid(projected)
    if invalid.any():
        projected[invalid] = shapely.make_valid(projected[invalid])
    area = np.full(len(ids), np.nan)
    area[is_area] = shapely.area(projected[is_area])
    points = projected.copy()
    points[is_area] = shapely.point_on_surface(projected[is_area])
    frame = pd.DataFrame(tags, index=pd.RangeIndex(len(ids)), dtype=object)
    frame.insert(0, "facility_id", pd.Series(ids, dtype=object))
    frame.insert(1, "geometry_kind", np.where(is_area, "area", "point").astype(object))
    frame.insert(2, "area_m2", area)
    for key in _ALWAYS_KEPT:
        if key not in frame:
            frame[key] = None
    result = gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(points, crs=crs), crs=crs)
    if clip is not None and len(result):
        shapely.prepare(clip)
        result = result[shapely.covers(clip, points)].reset_index(drop=True)
    return result


def summarise_extract(categories: pd.Series, kinds: pd.Series, catalogue: pd.DataFrame,
                      dataset: str, file: str, report: ValidationReport) -> None:
    """Counts per category (objects and areas) as a note; a warning for an unusable source.

    Parameters
    ----------
    categories : Series
        The category of each object read (None where no rule matched).
    kinds : Series
        ``point`` or ``area`` per object (aligned with ``categories``).
    catalogue : DataFrame
        For the German labels (``label_de``), indexed by category key.
    dataset, file : str
        Where the findings point (``facilities[1]``, the file).
    report : ValidationReport
        Receives the note ``osm_extract_counts`` and the warnings ``osm_nothing_classified``
        (no object got a category) or ``osm_nodes_only`` (no classified object is an area).
    """
    found = categories.notna()
    hint_areas = ("Einen Auszug mit Knoten, Wegen und Relationen verwenden (z. B. von "
                  "download.geofabrik.de), nicht nur Punkte.")
    if not found.any():
        what = (f"wurde keines der {format_number(len(categories))} gelesenen Objekte einer "
                "Kategorie zugeordnet" if len(categories) else "gibt es im Untersuchungsgebiet "
                "(mit Randbereich) kein Objekt mit einem Merkmal, das der Katalog kennt")
        report.add("warning", "osm_nothing_classified", dataset, f"Im OpenStreetMap-Auszug "
                   f"{what}; die Quelle liefert keine Einrichtungen.",
                   "Prüfen, ob die Datei das Untersuchungsgebiet abdeckt und Merkmale (Tags) "
                   "wie amenity=kindergarten enthält; eigene Regeln in der Spalte osm_tags "
                   "des Katalogs ergänzen.", file=file, column="category")
        return
    label = catalogue["label_de"] if "label_de" in catalogue else pd.Series(dtype=object)
    table = pd.DataFrame({"category": categories[found],
                          "area": (kinds[found] == "area")})
    counts = table.groupby("category", sort=False)["area"].agg(["size", "sum"])
    order = [key for key in catalogue.index if key in counts.index]
    parts = [f"{label.get(key, key)} {format_number(int(counts.at[key, 'size']))} (davon "
             f"{format_number(int(counts.at[key, 'sum']))} "
             f"{'Fläche' if counts.at[key, 'sum'] == 1 else 'Flächen'})" for key in order]
    areas = int(table["area"].sum())
    report.add("note", "osm_extract_counts", dataset, f"OpenStreetMap-Auszug: "
               f"{format_number(int(found.sum()))} Einrichtungen erkannt, davon "
               f"{format_number(areas)} als Flächen erfasst (als Punkt innerhalb der Fläche "
               f"verwendet): {'; '.join(parts)}.", file=file, column="category")
    if areas == 0:
        report.add("warning", "osm_nodes_only", dataset, "Der OpenStreetMap-Auszug enthält "
                   "nur Punkte (Knoten), keine Flächen: Spielplätze, Parks, Schulen und Kitas "
                   "sind in OpenStreetMap meist als Flächen erfasst und fehlen daher.",
                   hint_areas, file=file, column="geometry")
