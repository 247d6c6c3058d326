"""Walking catchments of facilities for the report's interactive map.

For every category measured by walking distance (:attr:`quartier.compute.Results.distance_models`)
one overlay, off at the start, with the area from which each facility is reached within the
category's distance (:func:`quartier.streets.walking_catchments`). Time and size are bounded so
that a large study keeps a quick report and a small map: at most :data:`MAX_PER_CATEGORY`
facilities per category (those inside the study area first), a search budget of
:data:`SEARCH_BUDGET` (each facility costs (distance in km)², about what the
union of its reached streets costs) and :data:`MAX_VERTICES` polygon vertices in all. A
category that does not fit is left out; a shortened one says so in its label.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

from quartier.catalogue import category_labels, combined_members, parse_group_values
from quartier.compute import Results
from quartier.fields import FIELDS
from quartier.format import format_number
from quartier.indicators.distance_model import NETWORK, study_network
from quartier.maps.layers import CatchmentLayer
from quartier.maps.style import FIELD_COLOURS
from quartier.report.texts import texts
from quartier.study import Study
from quartier.validation import ValidationReport

__all__ = ["MAX_PER_CATEGORY", "MAX_VERTICES", "SEARCH_BUDGET", "catchment_distance",
           "catchment_layers"]

#: Facilities drawn per category at most.
MAX_PER_CATEGORY = 100
#: Sum over the drawn facilities of (distance / 1 km)², at most: 100 catchments of 300 m, 80 of
#: 750 m and 10 of 1,500 m (Heidelberg: about 4 s on one core).
SEARCH_BUDGET = 80.0
#: Polygon vertices over all layers at most (about 20 bytes each in the page, about 1 MB in all).
MAX_VERTICES = 50_000


def catchment_distance(catalogue: pd.DataFrame, category: str, catchment_m: float
                       ) -> tuple[float, bool]:
    """The walking distance of a category's catchment and whether it is a standard's.

    As :func:`quartier.compute` measures coverage: the largest distance of
    ``distance_by_group``, else ``max_distance_m``, else, for a member of a combined standard
    (``combined_of``), the member's own distance there (a bus stop's 300 m and a station's
    600 m of ``public_transport``; the largest where it is a member of several), else the
    2SFCA catchment ``[indicators] catchment_m``.

    Examples
    --------
    >>> cat = pd.DataFrame({"max_distance_m": [300.0, float("nan"), float("nan")],
    ...                     "distance_by_group": ["", "0-5:175;6-11:350", ""],
    ...                     "combined_of": ["", "", ""]},
    ...                    index=["stop", "playground", "kita"])
    >>> [catchment_distance(cat, key, 1500.0) for key in cat.index]
    [(300.0, True), (350.0, True), (1500.0, False)]
    >>> from quartier.catalogue import default_catalogue
    >>> [catchment_distance(default_catalogue(), key, 1500.0)
    ...  for key in ("transit_stop", "rail_station")]
    [(300.0, True), (600.0, True)]
    """
    bands = parse_group_values(catalogue.at[category, "distance_by_group"])
    if bands:
        return float(max(bands.values())), True
    distance = catalogue.at[category, "max_distance_m"]
    if pd.notna(distance):
        return float(distance), True
    as_member = [parts[category] for parts in combined_members(catalogue).values()
                 if category in parts]
    if as_member:
        return float(max(as_member)), True
    return float(catchment_m), False


def catchment_layers(study: Study, results: Results) -> list[CatchmentLayer]:
    """One :class:`~quartier.maps.layers.CatchmentLayer` per walked category.

    Categories with a distance standard come first (field by field in report order), then
    those judged by the 2SFCA catchment only (the cheapest first, so that small ones are
    drawn whole). Returns an empty list when no category is
    walked or the network cannot be read (its cached copy is what :func:`quartier.compute`
    used).
    """
    walked = [key for key, model in results.distance_models.items() if model == NETWORK]
    facilities = study.facilities
    if not walked or facilities is None or not len(facilities):
        return []
    network = study_network(study, ValidationReport())  # findings were reported by compute
    if network is None:
        return []
    language = study.config.language
    catalogue = study.catalogue
    labels = category_labels(catalogue, language)
    words = texts(language)
    present = ~(shapely.is_missing(facilities.geometry.to_numpy())
                | shapely.is_empty(facilities.geometry.to_numpy()))
    facilities = facilities[present & facilities["category"].isin(walked).to_numpy()]
    inside = (facilities["in_study_area"].fillna(False).astype(bool)
              if "in_study_area" in facilities else pd.Series(True, index=facilities.index))
    facilities = facilities.assign(_outside=~inside).sort_values(
        ["_outside", "facility_id"] if "facility_id" in facilities else ["_outside"],
        kind="stable")

    counts = facilities["category"].value_counts()
    distances = {key: catchment_distance(catalogue, key, study.config.indicators.catchment_m)
                 for key in counts.index}

    def order(key: str) -> tuple:
        field = catalogue.at[key, "field"]
        distance, standard = distances[key]
        cost = 0.0 if standard else min(counts[key], MAX_PER_CATEGORY) * distance ** 2
        return (not standard, cost, FIELDS.index(field) if field in FIELDS else len(FIELDS),
                str(labels.get(key, key)).casefold(), key)

    from quartier.streets import walking_catchments

    layers: list[CatchmentLayer] = []
    budget_left, vertices_left = SEARCH_BUDGET, MAX_VERTICES
    for key in sorted(counts.index, key=order):
        own = facilities[facilities["category"] == key]
        distance = distances[key][0]
        cost = max(distance / 1000.0, 0.01) ** 2
        shown = own.head(min(MAX_PER_CATEGORY, int(budget_left / cost)))
        if not len(shown):
            continue
        areas = walking_catchments(shown.geometry, network, distance)
        vertices = int(shapely.get_num_coordinates(areas.to_numpy()).sum())
        if vertices > vertices_left:
            continue
        budget_left -= len(shown) * cost
        vertices_left -= vertices
        label = labels.get(key, key)
        metres = f"{format_number(distance, 0, language)} m"
        title = (words["catchment_layer"].format(category=label, distance=metres)
                 if len(shown) == len(own) else
                 words["catchment_layer_part"].format(category=label, distance=metres,
                                                      shown=len(shown), total=len(own)))
        names = [str(name) if isinstance(name, str) and name.strip() else label
                 for name in (shown["name"] if "name" in shown
                              else np.full(len(shown), None))]
        layers.append(CatchmentLayer(title, areas, names,
                                     FIELD_COLOURS.get(catalogue.at[key, "field"], "#555555")))
    return layers
