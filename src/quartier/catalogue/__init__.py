"""The category catalogue: what kinds of facilities exist, their action field and standards.

The catalogue is a table with one row per category (index ``key``) and the columns of
:data:`CATALOGUE_COLUMNS`. The package ships a default catalogue of 44 categories in the six
action fields (:func:`default_catalogue`). A study can extend or override it with its own table
(``[categories]`` in ``quartier.toml``, :func:`merge_catalogue`) and set its own standards
(Richtwerte; ``[standards]``, :func:`apply_standards`).

Columns of a typed catalogue (as returned by :func:`default_catalogue`):

========================  ======  ===========================================================
column                    type    meaning
========================  ======  ===========================================================
``field``                 str     one of :data:`quartier.fields.FIELDS`
``label_de``/``label_en`` str     label in the report
``reference_group``       str     ``all``, ``"<from>-<to>"`` or ``"<from>+"`` (years, inclusive)
``capacity_unit_de/en``   str     what a capacity counts (``Plätze``/``places``); ``""`` if none
``per_1000``              float   target facilities (or capacity units, where a capacity unit is
                                  set) per 1,000 residents of the reference group; NaN if none
``max_distance_m``        float   straight-line distance within which the reference group should
                                  reach one facility; NaN if none
``standard_source``       str     citation of the standard
``standard_year``         str     year (or date) of the standard's source; ``""`` if unknown
``binding``               bool    whether the standard is legally binding
``demand_rates``          str     demand-type standard: places needed per resident of each age
                                  group, ``"0-2:0.491;3-5:0.92"`` (see
                                  :func:`parse_group_values`); ``""`` if none
``distance_by_group``     str     distance standard by age group, ``"0-5:175;6-11:350"``
                                  (metres, straight line); ``""`` if none
``osm_tags``              str     OpenStreetMap tag rules, see :func:`quartier.osm.parse_tag_rules`
``max_minutes``           float   the distance standard as walking minutes (converted to
                                  ``max_distance_m`` with ``[network] speed_kmh``,
                                  :func:`minutes_as_metres`); NaN if none
``distance``              str     distance model of the category: ``network`` (walking distance
                                  on the ``[network]``), ``straight`` (straight line) or ``""``
                                  (the study's default, ``[network] distance``)
``combined_of``           str     a combined distance standard: residents have access where
                                  any member category lies within its own distance,
                                  ``"transit_stop:300;rail_station:600"`` (metres, see
                                  :func:`parse_combined`); ``""`` if none. The category has
                                  no facilities of its own: its members' facilities count
``planning_scale``        str     where the standard is planned: ``""`` (the quarter) or a
                                  larger area such as ``mittelbereich`` (the G-BA planning
                                  area of GPs); such a judgement is shown but not ranked in
                                  the priorities (:func:`unranked_categories`)
========================  ======  ===========================================================

A category has at most one kind of standard; where several are filled, the first of
demand (``demand_rates``), rate (``per_1000``) and distance (``combined_of``, else
``distance_by_group``, else ``max_distance_m``) applies (:func:`standard_kind`). Without any,
it is judged relative to the town.

Examples
--------
>>> from quartier.catalogue import default_catalogue
>>> cat = default_catalogue()
>>> cat.loc["kita", ["field", "reference_group"]].tolist()
['social_infrastructure', '0-5']
>>> float(cat.loc["supermarket", "max_distance_m"])
1000.0
"""

from __future__ import annotations

from quartier.catalogue._cells import (
    CATALOGUE_COLUMNS,
    DISTANCE_MODELS,
    STANDARD_COLUMNS,
    parse_combined,
    parse_group_values,
    parse_reference_group,
)
from quartier.catalogue.labels import category_field, category_labels, reference_group_label
from quartier.catalogue.reading import (
    default_catalogue,
    merge_catalogue,
    read_catalogue_table,
)
from quartier.catalogue.standards import (
    apply_standards,
    combined_members,
    minutes_as_metres,
    standard_kind,
    unranked_categories,
)

__all__ = [
    "CATALOGUE_COLUMNS",
    "STANDARD_COLUMNS",
    "default_catalogue",
    "read_catalogue_table",
    "merge_catalogue",
    "apply_standards",
    "parse_reference_group",
    "parse_group_values",
    "parse_combined",
    "combined_members",
    "unranked_categories",
    "standard_kind",
    "minutes_as_metres",
    "DISTANCE_MODELS",
    "reference_group_label",
    "category_field",
    "category_labels",
]
