"""Names in the exports: file slugs and the column names of the wide ``quartiere`` layer.

:func:`column_name` turns a category × indicator into a column name that every GIS and
database accepts; :func:`column_plan` lists the wide columns of a result in their order.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from quartier.format import ascii_text, slug

if TYPE_CHECKING:
    from quartier.compute import Results

__all__ = ["MAX_COLUMN_NAME", "STATUS_COLUMNS", "category_rows", "column_name", "column_plan",
           "export_slug", "unique_columns"]

#: Longest column name written (PostgreSQL's limit; GeoPackage/SQLite has none, but a layer
#: should survive being copied into a database from QGIS).
MAX_COLUMN_NAME = 63

#: Columns of ``results.social_index`` copied into the ``quartiere`` layer and the field sheets.
STATUS_COLUMNS = ("status_index", "status_class", "dynamics_index", "dynamics_class",
                  "combined_class")


def export_slug(name: str) -> str:
    """A file-name-safe, ASCII-only slug of a study name (see :func:`quartier.format.slug`).

    Examples
    --------
    >>> export_slug("Bad Dürkheim / Süd")
    'bad-duerkheim-sued'
    """
    return slug(name)


def _identifier(text: str) -> str:
    plain = ascii_text(text).lower()
    ident = re.sub(r"_{2,}", "_", re.sub(r"[^a-z0-9_]+", "_", plain)).strip("_")
    if not ident or not ident[0].isalpha():
        ident = f"c_{ident}".rstrip("_")
    return ident


def column_name(category: str, indicator: str) -> str:
    """The column name of one category × indicator in the wide ``quartiere`` layer.

    ``<category>__<indicator>``, both parts reduced to lower-case ASCII letters, digits and
    ``_`` (a part that does not start with a letter gets a ``c_`` prefix). Names longer than
    :data:`MAX_COLUMN_NAME` are cut and end in a short hash of the full key, so they stay
    unique and stable from edition to edition.

    Parameters
    ----------
    category : str
        Category key, e.g. ``"kita"``.
    indicator : str
        Indicator name (``"supply_rate"``) or ``"status"``.

    Returns
    -------
    str
        A valid column name of at most 63 characters.

    Examples
    --------
    >>> column_name("kita", "supply_rate")
    'kita__supply_rate'
    >>> column_name("Begegnungsstätte", "status")
    'begegnungsstaette__status'
    >>> len(column_name("x" * 80, "median_distance"))
    63
    """
    name = f"{_identifier(category)}__{_identifier(indicator)}"
    if len(name) <= MAX_COLUMN_NAME:
        return name
    digest = hashlib.sha1(f"{category}\x1f{indicator}".encode()).hexdigest()[:8]
    return f"{name[:MAX_COLUMN_NAME - 9].rstrip('_')}_{digest}"


def unique_columns(pairs: Sequence[tuple[str, str]], reserved: set[str]) -> list[str]:
    """Column names for ``pairs``, unique (case-insensitively, as SQLite compares them)."""
    taken = {name.lower() for name in reserved}
    names = []
    for category, indicator in pairs:
        name = column_name(category, indicator)
        number = 1
        while name.lower() in taken:
            suffix = f"_{number}"
            name = column_name(category, indicator)[:MAX_COLUMN_NAME - len(suffix)] + suffix
            number += 1
        taken.add(name.lower())
        names.append(name)
    return names


def category_rows(indicators: pd.DataFrame) -> pd.DataFrame:
    """The rows of the tidy results that belong to a category (not the quarter-level ones)."""
    return indicators[indicators["category"].notna()]


def column_plan(results: Results) -> pd.DataFrame:
    """One row per wide column: ``column``, ``category``, ``indicator``, ``field``, ``unit``.

    Categories in results order (the catalogue order), per category its indicators in results
    order, then ``status``.
    """
    rows = category_rows(results.indicators)
    pairs = rows[["category", "indicator", "field", "unit"]].drop_duplicates(
        ["category", "indicator"])
    plan: list[dict[str, Any]] = []
    for category, part in pairs.groupby("category", sort=False):
        plan.extend(part.to_dict("records"))
        plan.append({"category": category, "indicator": "status",
                     "field": part["field"].iloc[0], "unit": ""})
    frame = pd.DataFrame(plan, columns=["category", "indicator", "field", "unit"])
    reserved = {"fid", "geometry", "geom", "quarter_id", "name", "residents", *STATUS_COLUMNS}
    frame.insert(0, "column", unique_columns(
        list(zip(frame["category"], frame["indicator"])), reserved))
    return frame
