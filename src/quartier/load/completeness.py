"""Are the facility data complete? Warnings with counts, and categories not to be judged.

Two situations make a category's data silently incomplete:

- a category comes both from a register and from OpenStreetMap (e.g. Kitas: OSM 1.133,
  register 2.880): the two seldom agree, and facilities in both are counted twice;
- an OpenStreetMap source holds only points (nodes) for a category that OpenStreetMap
  mostly maps as areas (:data:`AREA_MAPPED_CATEGORIES`): most of those facilities are
  missing. Such a (source, category) is marked incomplete automatically.

``complete = false`` in a ``[[facilities]]`` block marks a source incomplete by hand
(``complete = true`` overrides the automatic marking). A category none of whose sources is
complete is not judged (:func:`quartier.indicators.gaps.assess_gaps`, ``reason``
``incomplete_data``); its distances and coverage are still computed and shown.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

from quartier.config import DatasetConfig
from quartier.format import format_number
from quartier.load.osm_extract import is_osm_extract
from quartier.validation import ValidationReport

__all__ = ["AREA_MAPPED_CATEGORIES", "is_osm_source", "check_completeness",
           "incomplete_categories"]

#: Categories that OpenStreetMap mostly maps as areas (``leisure=playground``, ``park``,
#: ``pitch``/``sports_centre``, ``amenity=school``/``kindergarten``/``hospital``/
#: ``marketplace`` drawn as the outline of the grounds): an export with points (nodes) only
#: misses most of them.
AREA_MAPPED_CATEGORIES: tuple[str, ...] = (
    "playground", "park", "school", "primary_school", "secondary_school", "kita",
    "sports_facility", "hospital", "marketplace")

_OSM_NAME = re.compile(r"(?<![a-z])osm(?![a-z])|openstreetmap", re.IGNORECASE)
_OSM_ID = re.compile(r"(?:^|[^a-z])(?:node|way|relation)[/:_]?\d+$", re.IGNORECASE)


def is_osm_source(cfg: DatasetConfig, ids: Iterable[str] = ()) -> bool:
    """Whether a facility source is OpenStreetMap data.

    True with ``osm = true``, when the label or a file name names OSM (``osm`` as a word or
    part of a name such as ``osm_spielplaetze.geojson``, or ``openstreetmap``; folder names are
    not looked at), or when most ids look like OpenStreetMap ids (``node/123``, ``way/45``).

    Examples
    --------
    >>> from pathlib import Path
    >>> is_osm_source(DatasetConfig("facilities[1]", (Path("poi/osm_parks.geojson"),)))
    True
    >>> is_osm_source(DatasetConfig("facilities[1]", (Path("kitas.csv"),), {"label": "Kosmos"}))
    False
    """
    if cfg.get("osm"):
        return True
    names = [str(cfg.get("label", "")), *(p.name for p in cfg.paths)]
    if any(_OSM_NAME.search(name) for name in names):
        return True
    texts = pd.Series(list(ids), dtype=object).dropna().astype(str)
    return bool(len(texts)) and texts.str.contains(_OSM_ID).mean() > 0.5


def _label(cfg: DatasetConfig) -> str:
    return str(cfg.get("label", cfg.path.stem))  # as quartier.load.facilities names a source


def check_completeness(facilities: pd.DataFrame, sources: Iterable[DatasetConfig],
                       catalogue: pd.DataFrame, report: ValidationReport) -> pd.DataFrame:
    """Warn about incomplete facility data and mark it in a ``complete`` column.

    Parameters
    ----------
    facilities : DataFrame
        The loaded facilities (``source``, ``category``, ``facility_id`` and, from
        :func:`quartier.load.facilities.load_facilities`, ``geometry_kind``).
    sources : iterable of DatasetConfig
        The ``[[facilities]]`` blocks.
    catalogue : DataFrame
        For the German category labels.
    report : ValidationReport
        Receives the warnings (codes ``osm_points_only``, ``register_and_osm``) and a note
        naming the categories marked incomplete by hand (``marked_incomplete``).

    Returns
    -------
    DataFrame
        ``facilities`` with a bool column ``complete``: False for the facilities of a
        source with ``complete = false`` and of an OSM (source, category) with points only
        for a category of :data:`AREA_MAPPED_CATEGORIES` (unless ``complete = true``).
    """
    result = facilities.copy()
    result["complete"] = True
    if not len(facilities):
        return result
    label = catalogue["label_de"] if "label_de" in catalogue else pd.Series(dtype=object)
    name = lambda key: str(label.get(key, key))  # noqa: E731
    kind = (facilities["geometry_kind"] if "geometry_kind" in facilities
            else pd.Series("point", index=facilities.index))
    osm_sources: set[str] = set()
    by_hand: list[str] = []
    for cfg in sources:
        source = _label(cfg)
        rows = facilities["source"] == source
        if not rows.any():
            continue
        explicit = cfg.get("complete")
        if explicit is False:
            result.loc[rows, "complete"] = False
            categories = sorted({name(c) for c in facilities.loc[rows, "category"]})
            by_hand.append(f"{source} ({', '.join(categories)})")
        if not is_osm_source(cfg, facilities.loc[rows, "facility_id"]):
            continue
        osm_sources.add(source)
        if is_osm_extract(cfg.path, cfg.get("format")) and (kind[rows] == "area").any():
            continue  # a full extract with areas: a category's nodes are how OSM maps it there
        for category in AREA_MAPPED_CATEGORIES:
            these = rows & (facilities["category"] == category)
            if not these.any() or not (kind[these] == "point").all():
                continue
            if explicit is None:
                result.loc[these, "complete"] = False
            consequence = ("Sie wird daher nicht bewertet (weder am Richtwert noch am "
                           "Stadtmittel); Entfernungen und Abdeckung werden trotzdem gezeigt."
                           if explicit is None else
                           "Die Quelle ist mit complete = "
                           f"{'true' if explicit else 'false'} gekennzeichnet.")
            report.add("warning", "osm_points_only", cfg.name,
                       f"{source}: alle {format_number(int(these.sum()))} Einrichtungen der "
                       f"Kategorie {name(category)} sind Punkte. OpenStreetMap erfasst diese "
                       "Kategorie meist als Flächen; die fehlen in dieser Datei, die Daten "
                       f"sind also unvollständig. {consequence}",
                       "OpenStreetMap-Daten mit Flächen exportieren (Knoten, Wege und "
                       "Relationen) oder ein amtliches Register verwenden; wenn die Daten doch "
                       "vollständig sind, complete = true setzen.", file=str(cfg.path),
                       column="geometry")
    if by_hand:
        report.add("note", "marked_incomplete", "facilities",
                   "Als unvollständig gekennzeichnet (complete = false), daher nicht bewertet: "
                   f"{'; '.join(by_hand)}.", "Entfernungen und Abdeckung werden trotzdem "
                   "gezeigt.")
    _register_and_osm(facilities, osm_sources, name, report)
    return result


def _register_and_osm(facilities: pd.DataFrame, osm_sources: set[str], name,
                      report: ValidationReport) -> None:
    """Warn per category that comes from both a register and OpenStreetMap, with both counts."""
    osm = facilities["source"].isin(osm_sources)
    counts = pd.DataFrame({"osm": facilities[osm].groupby("category").size(),
                           "register": facilities[~osm].groupby("category").size()}).fillna(0)
    both = counts[(counts["osm"] > 0) & (counts["register"] > 0)]
    for category, row in both.iterrows():
        report.add("warning", "register_and_osm", "facilities",
                   f"{name(category)}: OSM {format_number(int(row['osm']))}, Register "
                   f"{format_number(int(row['register']))}. Beide Quellen werden zusammen "
                   "verwendet: Einrichtungen, die in beiden stehen, zählen doppelt, und "
                   "OpenStreetMap erfasst meist nur einen Teil.",
                   "Für diese Kategorie nur eine Quelle verwenden (in der Regel das Register) "
                   "oder Dubletten vorher entfernen.", column="category")


def incomplete_categories(facilities: pd.DataFrame) -> list[str]:
    """Categories none of whose facilities comes from a complete source (not judged).

    A category with a complete register and an incomplete OSM source is judged: the
    register alone is complete.
    """
    if "complete" not in facilities or not len(facilities):
        return []
    complete = facilities["complete"].fillna(True).astype(bool)
    any_complete = complete.groupby(facilities["category"]).any()
    return sorted(any_complete.index[~any_complete])
