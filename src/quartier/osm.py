"""Classify OpenStreetMap features into catalogue categories by their tags.

Each catalogue category carries tag rules in its ``osm_tags`` column, for example (the rules
of ``paediatrician``, on one line in the catalogue)::

    amenity=doctors&healthcare:speciality=paediatrics;
    healthcare=doctor&healthcare:speciality=paediatrics

``;`` separates alternative rules, ``&`` joins the conditions of one rule, and each condition
is ``key=value`` or ``key=*`` (the tag is present with any non-empty value).
:func:`classify_osm` applies the rules of a whole catalogue to a table of OSM tags.

Examples
--------
>>> import pandas as pd
>>> from quartier.osm import classify_osm
>>> tags = pd.DataFrame({"amenity": ["pharmacy", "bench"]})
>>> classify_osm(tags).tolist()
['pharmacy', None]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from quartier.catalogue import default_catalogue
from quartier.osm_tags import ANY_VALUE, parse_tag_rules

__all__ = ["parse_tag_rules", "classify_osm", "parse_other_tags", "expand_other_tags"]

#: One ``"key"=>"value"`` pair of GDAL's ``other_tags`` (backslash escapes quotes).
_HSTORE_PAIR = r'"(?P<key>(?:[^"\\]|\\.)*)"=>"(?P<value>(?:[^"\\]|\\.)*)"'


def _as_text(column: pd.Series) -> pd.Series:
    """Tag values as lower-case text; numbers lose a ``.0`` (``isced:level`` read as 1.0)."""
    if pd.api.types.is_bool_dtype(column):
        text = column.map({True: "yes", False: "no"}).astype("string")
    else:
        text = column.astype("string")
        if pd.api.types.is_numeric_dtype(column):
            text = text.str.replace(r"\.0$", "", regex=True)
    return text.str.lower()


def _wrapped_values(column: pd.Series) -> pd.Series:
    """``";v1;v2;"`` for each cell (whitespace around values removed), ``""`` when missing."""
    text = _as_text(column).str.strip().str.replace(r"\s*;\s*", ";", regex=True)
    return (";" + text + ";").fillna("")


def classify_osm(tags: pd.DataFrame, catalogue: pd.DataFrame | None = None) -> pd.Series:
    """The catalogue category of each OpenStreetMap feature.

    Parameters
    ----------
    tags : DataFrame
        One row per OSM feature; columns are OSM tag keys (``amenity``, ``social_facility``,
        ``social_facility:for``, ``healthcare``, ``healthcare:speciality``, ``shop``,
        ``leisure``, ``highway``, ``railway``, ``public_transport`` …). Missing values mean
        "tag not set". Other columns are ignored.
    catalogue : DataFrame, optional
        A catalogue indexed by category key with an ``osm_tags`` column (default:
        :func:`quartier.catalogue.default_catalogue`).

    Returns
    -------
    Series
        The category key per row (``None`` where no rule matches), with the index of ``tags``
        and object dtype, named ``category``.

    Raises
    ------
    ValueError
        If a category's ``osm_tags`` cannot be parsed.

    Notes
    -----
    Matching:

    * A rule matches a row when all its conditions hold. ``key=value`` holds when the tag has
      that value; ``key=*`` when the tag is set to any non-empty value. A condition on a
      column that ``tags`` does not have never holds.
    * Tags holding several values separated by ``;`` (``social_facility:for=senior;disabled``)
      match when any one value matches. Whitespace around values is ignored, and values are
      compared without regard to case (``school:de=Grundschule`` matches ``grundschule``).
      Tag keys must match the column names exactly.

    When rules of several categories match a row, **the most specific rule wins**: the rule
    with the most conditions. Among equally specific rules the category that comes first in
    the catalogue wins. So ``amenity=doctors`` with ``healthcare:speciality=paediatrics`` is a
    ``paediatrician`` (rule with two conditions) rather than a ``doctor`` (one condition).

    The work is vectorised over rows: the function loops over the rules, not the features.

    Examples
    --------
    >>> import pandas as pd
    >>> tags = pd.DataFrame({
    ...     "amenity": ["doctors", "doctors", "social_facility", None],
    ...     "healthcare:speciality": ["paediatrics", "surgery", None, None],
    ...     "social_facility": [None, None, "nursing_home", None],
    ...     "social_facility:for": [None, None, "senior;disabled", None],
    ...     "leisure": [None, None, None, "playground"],
    ... })
    >>> classify_osm(tags).tolist()
    ['paediatrician', 'doctor', 'nursing_home', 'playground']
    """
    if not isinstance(tags, pd.DataFrame):
        raise TypeError(f"tags must be a DataFrame of OSM tags, got {type(tags).__name__}.")
    if catalogue is None:
        catalogue = default_catalogue()
    if "key" in catalogue.columns:
        catalogue = catalogue.set_index("key")
    n = len(tags)
    best = np.zeros(n, dtype=int)
    result = np.full(n, None, dtype=object)
    # per tag key: the distinct values (wrapped) and each row's code into them, so that text is
    # normalised and a condition tested once per distinct value, not once per row
    columns: dict[str, tuple[np.ndarray, pd.Series]] = {}
    conditions: dict[tuple[str, str], np.ndarray] = {}

    def holds(key: str, value: str) -> np.ndarray:
        if key not in tags.columns:
            return np.zeros(n, dtype=bool)
        if (key, value) in conditions:
            return conditions[(key, value)]
        if key not in columns:
            column = tags[key]
            if isinstance(column, pd.DataFrame):  # duplicated column names: use the first
                column = column.iloc[:, 0]
            codes, uniques = pd.factorize(column)  # missing values get code -1
            columns[key] = (codes, _wrapped_values(pd.Series(uniques)))
        codes, uniques = columns[key]
        if value == ANY_VALUE:
            found = uniques.str.contains(r"[^;]", regex=True)
        else:
            found = uniques.str.contains(f";{value.lower()};", regex=False)
        found_array = np.append(found.to_numpy(dtype=bool, na_value=False), False)
        conditions[(key, value)] = found_array[codes]  # code -1 (none) → the appended False
        return conditions[(key, value)]

    for category, text in catalogue["osm_tags"].items():
        for rule in parse_tag_rules("" if pd.isna(text) else str(text)):
            mask = np.ones(n, dtype=bool)
            for key, value in rule.items():
                mask = mask & holds(key, value)
                if not mask.any():
                    break
            better = mask & (len(rule) > best)
            best[better] = len(rule)
            result[better] = category
    return pd.Series(result, index=tags.index, dtype=object, name="category")


def parse_other_tags(other_tags: pd.Series) -> pd.DataFrame:
    """Unpack GDAL's ``other_tags`` field into one column per tag key.

    GDAL's OSM driver (and ``ogr2ogr`` from a ``.osm``/``.osm.pbf``) keeps the tags without a
    column of their own in one text field, written as ``"key"=>"value","key2"=>"value2"``
    (PostgreSQL hstore syntax; ``\\"`` and ``\\\\`` inside a key or value stand for ``"``
    and ``\\``).

    Parameters
    ----------
    other_tags : Series
        The ``other_tags`` text per feature (missing for features without further tags).

    Returns
    -------
    DataFrame
        With the index of ``other_tags`` and one column per key found (missing where a
        feature lacks the tag). Text that is not in this syntax yields no columns.

    Examples
    --------
    >>> import pandas as pd
    >>> parse_other_tags(pd.Series(['"amenity"=>"kindergarten","capacity"=>"40"', None]))
            amenity capacity
    0  kindergarten       40
    1           NaN      NaN
    """
    text = other_tags.astype("string")
    pairs = text.str.extractall(_HSTORE_PAIR)  # vectorised: one row per (feature, pair)
    if pairs.empty:
        return pd.DataFrame(index=other_tags.index)
    unescape = lambda s: s.str.replace(r"\\(.)", r"\1", regex=True)  # noqa: E731
    pairs = pd.DataFrame({"row": pairs.index.get_level_values(0),
                          "key": unescape(pairs["key"]).to_numpy(),
                          "value": unescape(pairs["value"]).astype(object).to_numpy()})
    pairs = pairs.drop_duplicates(["row", "key"])  # a key written twice: the first value
    wide = pairs.pivot(index="row", columns="key", values="value")
    wide.columns.name = None
    return wide.reindex(other_tags.index)


def expand_other_tags(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with the tags of its ``other_tags`` column as columns of their own.

    Columns the frame already has are kept as they are (GDAL gives ``name``, ``amenity`` …
    their own column); ``other_tags`` is dropped. A frame without ``other_tags`` is returned
    unchanged.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"name": ["Kita Sonne"],
    ...                       "other_tags": ['"amenity"=>"kindergarten","name"=>"x"']})
    >>> expand_other_tags(frame).to_dict("records")
    [{'name': 'Kita Sonne', 'amenity': 'kindergarten'}]
    """
    if "other_tags" not in frame.columns:
        return frame
    tags = parse_other_tags(frame["other_tags"])
    tags = tags[[c for c in tags.columns if c not in frame.columns]]
    return pd.concat([frame.drop(columns="other_tags"), tags], axis=1)
