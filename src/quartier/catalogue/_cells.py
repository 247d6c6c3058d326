"""Columns of a catalogue and the syntax of its cells: parsing, checks, German messages.

The lowest module of :mod:`quartier.catalogue`: the column lists, the parsers of reference
groups, age-group values and combined standards, and the cell checks with their findings,
shared by :mod:`quartier.catalogue.reading` (a town's ``[categories]``) and
:mod:`quartier.catalogue.standards` (its ``[standards]``). The public names are re-exported by
:mod:`quartier.catalogue`; the others are the package's own.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from quartier.osm_tags import parse_tag_rules
from quartier.validation import ValidationReport, format_ids

#: Columns of a catalogue table, in file order (``key`` becomes the index).
CATALOGUE_COLUMNS: list[str] = [
    "key", "field", "label_de", "label_en", "reference_group", "capacity_unit_de",
    "capacity_unit_en", "per_1000", "max_distance_m", "standard_source", "standard_year",
    "binding", "demand_rates", "distance_by_group", "osm_tags", "max_minutes", "distance",
    "combined_of", "planning_scale",
]

#: Columns of a study's standards table (``category`` is required, the rest optional).
STANDARD_COLUMNS: list[str] = [
    "category", "per_1000", "max_distance_m", "reference_group", "source", "binding", "year",
    "demand_rates", "distance_by_group", "max_minutes", "distance", "combined_of",
]

#: Distance models a category may name in its ``distance`` column.
DISTANCE_MODELS: tuple[str, ...] = ("network", "straight")

NUMERIC = ("per_1000", "max_distance_m", "max_minutes")
GROUP_VALUES = ("demand_rates", "distance_by_group")
#: Value columns of a standard besides the numbers and the group values.
VALUE_TEXT = (*GROUP_VALUES, "combined_of")
_CATEGORY_KEY = re.compile(r"^[A-Za-z0-9_]+$")
TEXT = [c for c in CATALOGUE_COLUMNS[1:] if c not in (*NUMERIC, "binding")]
_REFERENCE_GROUP = re.compile(r"^\s*(\d+)\s*(?:([-–])\s*(\d+)|(\+))\s*$")
_TRUE = frozenset({"true", "wahr", "ja", "yes", "1", "x"})
_FALSE = frozenset({"false", "falsch", "nein", "no", "0"})


def parse_reference_group(text: str) -> tuple[int, int | None]:
    """Parse a reference group into an inclusive age range.

    Parameters
    ----------
    text : str
        ``"all"`` (also ``"alle"``), ``"<from>-<to>"`` (hyphen or en dash, both ages inclusive)
        or ``"<from>+"``.

    Returns
    -------
    tuple of (int, int or None)
        ``(from, to)``; ``to`` is ``None`` for an open upper end.

    Raises
    ------
    ValueError
        If the text has none of these forms or ``from`` is greater than ``to``.

    Examples
    --------
    >>> parse_reference_group("all")
    (0, None)
    >>> parse_reference_group("0–5")
    (0, 5)
    >>> parse_reference_group("80+")
    (80, None)
    """
    if not isinstance(text, str):
        raise ValueError(f"Reference group must be text, got {text!r}.")
    if text.strip().casefold() in ("all", "alle"):
        return (0, None)
    match = _REFERENCE_GROUP.match(text)
    if match is None:
        raise ValueError(f"Invalid reference group {text!r}: use 'all', '<from>-<to>' such as "
                         "'0-5', or '<from>+' such as '80+'.")
    start = int(match.group(1))
    if match.group(4):
        return (start, None)
    end = int(match.group(3))
    if end < start:
        raise ValueError(f"Invalid reference group {text!r}: the lower age {start} is above the "
                         f"upper age {end}.")
    return (start, end)


def parse_group_values(text: str) -> dict[str, float]:
    """Parse ``"<group>:<value>;<group>:<value>"`` into a dict (empty text → empty dict).

    Used by ``demand_rates`` (places per resident of the group) and ``distance_by_group``
    (metres). Groups are reference groups (:func:`parse_reference_group`); a value may use a
    decimal comma.

    Raises
    ------
    ValueError
        If a part has no ``:``, a group is invalid, a value is not a number or is negative, or
        a group occurs twice.

    Examples
    --------
    >>> parse_group_values("0-2:0,491; 3-5:0.92")
    {'0-2': 0.491, '3-5': 0.92}
    >>> parse_group_values("")
    {}
    """
    values: dict[str, float] = {}
    for part in str(text).split(";"):
        if not part.strip():
            continue
        group, sep, value = part.partition(":")
        group = group.strip().replace("–", "-")
        if not sep:
            raise ValueError(f"'{part.strip()}' has no ':' between age group and value.")
        parse_reference_group(group)
        number = to_float(value)
        if not number >= 0:
            raise ValueError(f"The value of {group} must be a number ≥ 0, got {value!r}.")
        if group in values:
            raise ValueError(f"The age group {group} occurs twice.")
        values[group] = number
    return values


def parse_combined(text: str) -> dict[str, float]:
    """Parse a combined standard ``"<category>:<metres>;<category>:<metres>"`` (``""`` → {}).

    Used by ``combined_of``: a resident has access where a facility of *any* member category
    lies within that member's own distance (e.g. a bus or tram stop within 300 m or a rail
    station within 600 m). A distance may use a decimal comma.

    Raises
    ------
    ValueError
        If a part has no ``:``, a key is not a category key (letters, digits, ``_``), a
        distance is not a number > 0, or a category occurs twice.

    Examples
    --------
    >>> parse_combined("transit_stop:300; rail_station:600")
    {'transit_stop': 300.0, 'rail_station': 600.0}
    >>> parse_combined("")
    {}
    """
    members: dict[str, float] = {}
    for part in str(text).split(";"):
        if not part.strip():
            continue
        key, sep, value = part.partition(":")
        key = key.strip()
        if not sep:
            raise ValueError(f"'{part.strip()}' has no ':' between category and distance.")
        if not _CATEGORY_KEY.match(key):
            raise ValueError(f"'{key}' is not a category key.")
        number = to_float(value)
        if not number > 0:
            raise ValueError(f"The distance of {key} must be a number > 0, got {value!r}.")
        if key in members:
            raise ValueError(f"The category {key} occurs twice.")
        members[key] = number
    return members


def to_float(text: str) -> float:
    """Parse a number written with a decimal point or a German decimal comma; ``""`` → NaN."""
    text = text.strip()
    if not text:
        return np.nan
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    return float(text)


def to_bool(text: str) -> bool:
    value = text.strip().casefold()
    if value in _TRUE:
        return True
    if value in _FALSE or value == "":
        return False
    raise ValueError(f"Invalid yes/no value {text!r}.")


def cell_text(value: object) -> str:
    """A table cell as stripped text; missing values become ``""``, 500.0 becomes ``"500"``."""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, (float, np.floating)):
        if np.isnan(value):
            return ""
        if float(value).is_integer():
            return str(int(value))
        return repr(float(value))
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    return str(value).strip()


def row_numbers(table: pd.DataFrame) -> pd.Series:
    """Row numbers for messages: the loader's ``_row`` column or spreadsheet rows (header = 1)."""
    if "_row" in table.columns:
        return table["_row"].astype(str)
    return pd.Series([str(i + 2) for i in range(len(table))], index=table.index)


def normalised_columns(table: pd.DataFrame) -> pd.DataFrame:
    out = table.reset_index(drop=True)
    out.columns = [str(c).strip().lower() for c in out.columns]
    return out


def check_cell(column: str, value: str) -> str | None:
    """The error code for an invalid non-empty cell, or None when the cell is fine."""
    if column in NUMERIC:
        try:
            number = to_float(value)
        except ValueError:
            return "not_numeric"
        return "negative_value" if not number >= 0 else None
    if column == "reference_group":
        try:
            parse_reference_group(value)
        except ValueError:
            return "invalid_reference_group"
    if column == "binding":
        try:
            to_bool(value)
        except ValueError:
            return "invalid_binding"
    if column == "osm_tags":
        try:
            parse_tag_rules(value)
        except ValueError:
            return "invalid_osm_tags"
    if column in GROUP_VALUES:
        try:
            parse_group_values(value)
        except ValueError:
            return "invalid_group_values"
    if column == "combined_of":
        try:
            parse_combined(value)
        except ValueError:
            return "invalid_combination"
    if column == "distance" and value not in DISTANCE_MODELS:
        return "invalid_distance_model"
    return None


_CELL_MESSAGES = {
    "not_numeric": ("'{value}' in Spalte '{column}' ist keine Zahl (Kategorie '{key}').",
                    "Eine Zahl eintragen, z. B. 0,6215 oder 500, oder die Zelle leer lassen."),
    "negative_value": ("'{value}' in Spalte '{column}' ist negativ (Kategorie '{key}').",
                       "Richtwerte und Entfernungen müssen 0 oder größer sein."),
    "invalid_reference_group": (
        "Die Bezugsgruppe '{value}' (Kategorie '{key}') ist nicht lesbar.",
        "'all' für alle Einwohner*innen schreiben, ein Altersband wie '0-5' (beide Alter "
        "einschließlich) oder ein offenes Band wie '80+'."),
    "invalid_binding": ("'{value}' in Spalte '{column}' ist weder ja noch nein "
                        "(Kategorie '{key}').", "'true' oder 'false' (ja/nein) eintragen."),
    "invalid_group_values": (
        "'{value}' in Spalte '{column}' ist nicht lesbar (Kategorie '{key}').",
        "Altersgruppe und Wert mit ':' verbinden und Paare mit ';' trennen, z. B. "
        "0-2:0,491;3-5:0,92 (Bedarfsquoten) oder 0-5:175;6-11:350 (Meter)."),
    "invalid_distance_model": (
        "'{value}' in Spalte '{column}' ist kein Entfernungsmodell (Kategorie '{key}').",
        "'network' (Fußweg auf dem Wegenetz aus [network]) oder 'straight' (Luftlinie) "
        "eintragen, oder die Zelle leer lassen (dann gilt [network] distance)."),
    "invalid_combination": (
        "'{value}' in Spalte '{column}' ist nicht lesbar (Kategorie '{key}').",
        "Kategorie und Entfernung in Metern mit ':' verbinden und Paare mit ';' trennen, z. B. "
        "transit_stop:300;rail_station:600 (Zugang, wenn eine davon in ihrer Entfernung liegt)."),
    "invalid_osm_tags": (
        "Die OpenStreetMap-Regeln '{value}' (Kategorie '{key}') sind nicht lesbar.",
        "Regeln als schluessel=wert schreiben, mehrere Bedingungen mit '&' verbinden und "
        "Alternativen mit ';' trennen, z. B. amenity=social_facility&social_facility=food_bank."),
}


def report_cell(report: ValidationReport, code: str, dataset: str, file: str | None,
                 row: str, column: str, value: str, key: str) -> None:
    message, hint = _CELL_MESSAGES[code]
    report.add("error", code, dataset, message.format(value=value, column=column, key=key),
               hint, file=file, rows=row, column=column)


def duplicates(keys: pd.Series, rows: pd.Series) -> dict[str, str]:
    """Keys that occur more than once, each with the row numbers where they occur."""
    dup = keys[keys.duplicated(keep=False) & (keys != "")]
    return {k: format_ids(rows[dup.index[dup == k]]) for k in dict.fromkeys(dup)}
