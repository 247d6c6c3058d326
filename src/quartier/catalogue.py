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

import re
from functools import lru_cache
from importlib import resources
from io import StringIO

import numpy as np
import pandas as pd

from quartier.fields import FIELDS, LANGUAGES, field_key
from quartier.osm_tags import parse_tag_rules
from quartier.validation import ValidationReport, format_ids

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

_NUMERIC = ("per_1000", "max_distance_m", "max_minutes")
_GROUP_VALUES = ("demand_rates", "distance_by_group")
#: Value columns of a standard besides the numbers and the group values.
_VALUE_TEXT = (*_GROUP_VALUES, "combined_of")
#: ``planning_scale`` values meaning "planned per quarter" (ranked in the priorities).
_QUARTER_SCALES = frozenset({"", "quarter", "quartier"})
_CATEGORY_KEY = re.compile(r"^[A-Za-z0-9_]+$")
_TEXT = [c for c in CATALOGUE_COLUMNS[1:] if c not in (*_NUMERIC, "binding")]
_REFERENCE_GROUP = re.compile(r"^\s*(\d+)\s*(?:([-–])\s*(\d+)|(\+))\s*$")
_TRUE = frozenset({"true", "wahr", "ja", "yes", "1", "x"})
_FALSE = frozenset({"false", "falsch", "nein", "no", "0"})
_ALLOWED_FIELDS = ", ".join(FIELDS)


# --------------------------------------------------------------------------------------------
# reference groups


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
        number = _to_float(value)
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
        number = _to_float(value)
        if not number > 0:
            raise ValueError(f"The distance of {key} must be a number > 0, got {value!r}.")
        if key in members:
            raise ValueError(f"The category {key} occurs twice.")
        members[key] = number
    return members


def combined_members(catalogue: pd.DataFrame) -> dict[str, dict[str, float]]:
    """Per combined category (``combined_of`` filled) its members and their distances (m).

    Members that are not in the catalogue, or are combined categories themselves, are left
    out (:func:`apply_standards` and :func:`merge_catalogue` report them).

    Examples
    --------
    >>> combined_members(default_catalogue())["public_transport"]
    {'transit_stop': 300.0, 'rail_station': 600.0}
    """
    if "combined_of" not in catalogue:
        return {}
    text = catalogue["combined_of"].fillna("").astype(str).str.strip()
    combined = set(text.index[text != ""])
    result: dict[str, dict[str, float]] = {}
    for key in text.index[text != ""]:
        try:
            members = parse_combined(text[key])
        except ValueError:
            continue
        members = {m: d for m, d in members.items()
                   if m in catalogue.index and m not in combined}
        if members:
            result[str(key)] = members
    return result


def unranked_categories(catalogue: pd.DataFrame) -> list[str]:
    """Categories planned for an area larger than a quarter (``planning_scale``).

    Their judgements are shown with their standard but do not enter the need of the
    priority ranking (:func:`quartier.indicators.priorities.priorities`): the G-BA plans GP
    seats per Mittelbereich, so GPs missing "in a quarter" are no quarter's need.

    Examples
    --------
    >>> unranked_categories(default_catalogue())
    ['gp']
    """
    if "planning_scale" not in catalogue:
        return []
    scale = catalogue["planning_scale"].fillna("").astype(str).str.strip().str.casefold()
    return [str(k) for k in scale.index[~scale.isin(_QUARTER_SCALES)]]


def standard_kind(catalogue: pd.DataFrame) -> pd.Series:
    """Per category the kind of its standard: ``demand``, ``rate``, ``distance`` or ``town``.

    ``demand`` where ``demand_rates`` is filled, else ``rate`` where ``per_1000`` is set, else
    ``distance`` where ``combined_of``, ``distance_by_group`` or ``max_distance_m`` is set,
    else ``town`` (no standard: judged relative to the median of the quarters).

    Examples
    --------
    >>> kinds = standard_kind(default_catalogue())
    >>> kinds[["kita", "gp", "pharmacy", "public_transport", "library"]].tolist()
    ['demand', 'rate', 'distance', 'distance', 'town']
    """
    text = {c: catalogue[c].fillna("").astype(str).str.strip() if c in catalogue
            else pd.Series("", index=catalogue.index) for c in _VALUE_TEXT}
    kind = np.select(
        [text["demand_rates"] != "", catalogue["per_1000"].notna(),
         (text["distance_by_group"] != "") | catalogue["max_distance_m"].notna()
         | (text["combined_of"] != "")
         | (catalogue["max_minutes"].notna() if "max_minutes" in catalogue else False)],
        ["demand", "rate", "distance"], default="town")
    return pd.Series(kind, index=catalogue.index, name="standard_kind")


def minutes_as_metres(catalogue: pd.DataFrame, speed_kmh: float) -> pd.DataFrame:
    r"""A catalogue whose standards given in walking minutes are set in metres as well.

    Notes
    -----
    :math:`D = t \cdot v \cdot 1000 / 60` metres for :math:`t` minutes at :math:`v` km/h
    (``[network] speed_kmh``, 4.5 by default). Where ``max_minutes`` is set it replaces
    ``max_distance_m``.

    Examples
    --------
    >>> cat = default_catalogue()
    >>> cat.loc["pharmacy", "max_minutes"] = 10.0
    >>> float(minutes_as_metres(cat, 4.5).loc["pharmacy", "max_distance_m"])
    750.0
    """
    if "max_minutes" not in catalogue or not catalogue["max_minutes"].notna().any():
        return catalogue
    result = catalogue.copy()
    given = result["max_minutes"].notna()
    result.loc[given, "max_distance_m"] = result.loc[given, "max_minutes"] * speed_kmh * 1000 / 60
    return result


def reference_group_label(text: str, language: str = "de") -> str:
    """A readable label for a reference group.

    Parameters
    ----------
    text : str
        A reference group, see :func:`parse_reference_group`.
    language : {"de", "en"}, default "de"
        Label language.

    Returns
    -------
    str
        The label.

    Raises
    ------
    ValueError
        If the reference group or the language is invalid.

    Examples
    --------
    >>> reference_group_label("all")
    'alle Einwohner*innen'
    >>> reference_group_label("0-5")
    '0–5 Jahre'
    >>> reference_group_label("80+", "en")
    'aged 80 and over'
    """
    if language not in LANGUAGES:
        raise ValueError(f"Unknown language {language!r}; allowed: {', '.join(LANGUAGES)}.")
    start, end = parse_reference_group(text)
    if start == 0 and end is None:
        return "alle Einwohner*innen" if language == "de" else "all residents"
    if end is None:
        return f"{start} Jahre und älter" if language == "de" else f"aged {start} and over"
    return f"{start}–{end} Jahre" if language == "de" else f"aged {start}–{end}"


# --------------------------------------------------------------------------------------------
# the default catalogue


@lru_cache(maxsize=1)
def _default_text() -> str:
    return resources.files("quartier").joinpath("data", "categories.csv").read_text("utf-8")


def _to_float(text: str) -> float:
    """Parse a number written with a decimal point or a German decimal comma; ``""`` → NaN."""
    text = text.strip()
    if not text:
        return np.nan
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    return float(text)


def _to_bool(text: str) -> bool:
    value = text.strip().casefold()
    if value in _TRUE:
        return True
    if value in _FALSE or value == "":
        return False
    raise ValueError(f"Invalid yes/no value {text!r}.")


def _typed(table: pd.DataFrame) -> pd.DataFrame:
    """Turn an all-text catalogue table (with a ``key`` column) into a typed catalogue."""
    out = table.reindex(columns=CATALOGUE_COLUMNS, fill_value="").copy()
    for column in _NUMERIC:
        out[column] = out[column].map(_to_float).astype(float)
    out["binding"] = out["binding"].map(_to_bool).astype(bool)
    for column in ["key", *_TEXT]:
        out[column] = out[column].astype(str)
    return out.set_index("key")


def default_catalogue() -> pd.DataFrame:
    """The catalogue shipped with quartier (``quartier/data/categories.csv``).

    Returns
    -------
    DataFrame
        One row per category, indexed by ``key``, in report order (by action field), with the
        columns of :data:`CATALOGUE_COLUMNS` except ``key``: ``per_1000`` and
        ``max_distance_m`` as float (NaN where no standard exists), ``binding`` as bool, all
        other columns as text (``""`` when empty). Each call returns a new frame.

    Notes
    -----
    Standards are filled only where a German source was found (``standard_source``, with
    ``standard_year``); every other category is judged relative to the town (median of the
    quarters). None is legally binding for a quarter, so ``binding`` is false throughout.

    ==============  ======  ==============================================================
    category        kind    standard
    ==============  ======  ==============================================================
    kita            demand  places needed = 0.491 · children 0–2 + 0.92 · children 3–5
                            (U3: parents' demand 49.1 %, KiBS; 3 to school entry: attendance
                            rate 92 % on 1.3.2022, a lower bound of demand; BMFSFJ,
                            Kindertagesbetreuung Kompakt 2022)
    gp              rate    1 GP per 1,609 residents (G-BA Bedarfsplanungs-Richtlinie 2019,
                            ``per_1000`` = 0.6215); planned per Mittelbereich, far larger than
                            a quarter (``planning_scale``: shown, not ranked)
    playground      dist.   DIN 18034:2020-10: under 6 within 200 m walk (≈ 175 m straight
                            line), 6–11 within 400 m (≈ 350 m), 12+ within 1,000 m (≈ 750 m)
    public_         dist.   combined (``combined_of``): a bus or tram stop within 300 m or a
    transport               rail station within 600 m straight line (stop catchments of
                            transit planning, VDV-Schrift 4); the bus/tram stop alone
                            (``transit_stop``) is judged relative to the town, so that a
                            quarter served by S- or U-Bahn shows no Lücke for lack of buses
    supermarket,    dist.   1,000 m straight line: the BBSR's indicator of local supply
    pharmacy,               (2022; Analysen Kompakt 1/2025), an indicator rather than a
    primary_school          standard
    ==============  ======  ==============================================================

    No general German standard was found for nursing home places per resident 80+ (the
    Länder stopped publishing Landespflegeplan figures, e.g. Baden-Württemberg in 2010;
    Kreispflegepläne set local values), for green space within a distance, for childminders,
    schools' places, youth centres, libraries, counselling or everyday help: these are judged
    relative to the town. A town enters its own figures (e.g. its Kreispflegeplan or
    Kita-Bedarfsplan) in ``[standards]`` (:func:`apply_standards`).

    Examples
    --------
    >>> cat = default_catalogue()
    >>> round(float(cat.loc["gp", "per_1000"]) * 1609, 1)
    1000.0
    """
    raw = pd.read_csv(StringIO(_default_text()), dtype=str, keep_default_na=False)
    return _typed(raw)


# --------------------------------------------------------------------------------------------
# reading and merging user tables


def _cell_text(value: object) -> str:
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


def _row_numbers(table: pd.DataFrame) -> pd.Series:
    """Row numbers for messages: the loader's ``_row`` column or spreadsheet rows (header = 1)."""
    if "_row" in table.columns:
        return table["_row"].astype(str)
    return pd.Series([str(i + 2) for i in range(len(table))], index=table.index)


def _normalised_columns(table: pd.DataFrame) -> pd.DataFrame:
    out = table.reset_index(drop=True)
    out.columns = [str(c).strip().lower() for c in out.columns]
    return out


def read_catalogue_table(df: pd.DataFrame, *, report: ValidationReport | None = None,
                         dataset: str = "categories", file: str | None = None) -> pd.DataFrame:
    """Bring a user's category table into the catalogue's text layout.

    Column names are matched without regard to case and surrounding whitespace. Every cell
    becomes stripped text (missing values ``""``), columns the table does not have are added
    empty, and fully empty rows are dropped. Values are not checked here; see
    :func:`merge_catalogue`.

    Parameters
    ----------
    df : DataFrame
        The table as read from the user's file (text or numbers).
    report : ValidationReport, optional
        Where problems are recorded: no ``key`` column (error ``missing_column``) and columns
        the catalogue does not know (warning ``unknown_column``; they are ignored). Without a
        report, an error raises :class:`ValueError` and warnings are dropped.
    dataset : str, default "categories"
        Dataset name for findings.
    file : str, optional
        File name for findings.

    Returns
    -------
    DataFrame
        Text columns :data:`CATALOGUE_COLUMNS` plus ``_row`` (row numbers for messages: taken
        from the input's ``_row`` column if present, else spreadsheet rows with the header as
        row 1). Empty (no rows) when the ``key`` column is missing.

    Examples
    --------
    >>> import pandas as pd
    >>> t = read_catalogue_table(pd.DataFrame({" Key ": ["kita"], "per_1000": [120.0]}))
    >>> t.loc[0, ["key", "per_1000", "field", "_row"]].tolist()
    ['kita', '120', '', '2']
    """
    own = report if report is not None else ValidationReport()
    table = _normalised_columns(df)
    rows = _row_numbers(table)
    unknown = [c for c in table.columns if c not in CATALOGUE_COLUMNS and c != "_row"]
    if unknown:
        own.add("warning", "unknown_column", dataset,
                f"Die Kategorientabelle hat Spalten, die quartier nicht kennt: "
                f"{', '.join(unknown)}. Sie werden nicht verwendet.",
                "Spalten umbenennen, falls sie gemeint waren. Erlaubt sind: "
                + ", ".join(CATALOGUE_COLUMNS) + ".", file=file)
    if "key" not in table.columns:
        own.add("error", "missing_column", dataset,
                "Die Kategorientabelle hat keine Spalte 'key' mit dem Schlüssel der Kategorie.",
                "Eine Spalte 'key' anlegen, z. B. mit 'kita' für eine vorhandene oder einem "
                "neuen Schlüssel wie 'tafel_ausgabe' für eine neue Kategorie.", file=file,
                column="key")
        if report is None:
            raise ValueError(ValidationReport(own.errors).format())
        return pd.DataFrame(columns=[*CATALOGUE_COLUMNS, "_row"], dtype=str)
    out = pd.DataFrame(index=table.index)
    for column in CATALOGUE_COLUMNS:
        if column in table.columns:
            out[column] = table[column].map(_cell_text).astype(str)
        else:
            out[column] = pd.Series("", index=table.index, dtype=str)
    out["_row"] = rows
    filled = (out[CATALOGUE_COLUMNS] != "").any(axis=1)
    return out[filled].reset_index(drop=True)


def _check_cell(column: str, value: str) -> str | None:
    """The error code for an invalid non-empty cell, or None when the cell is fine."""
    if column in _NUMERIC:
        try:
            number = _to_float(value)
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
            _to_bool(value)
        except ValueError:
            return "invalid_binding"
    if column == "osm_tags":
        try:
            parse_tag_rules(value)
        except ValueError:
            return "invalid_osm_tags"
    if column in _GROUP_VALUES:
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


def _report_cell(report: ValidationReport, code: str, dataset: str, file: str | None,
                 row: str, column: str, value: str, key: str) -> None:
    message, hint = _CELL_MESSAGES[code]
    report.add("error", code, dataset, message.format(value=value, column=column, key=key),
               hint, file=file, rows=row, column=column)


def _duplicates(keys: pd.Series, rows: pd.Series) -> dict[str, str]:
    """Keys that occur more than once, each with the row numbers where they occur."""
    dup = keys[keys.duplicated(keep=False) & (keys != "")]
    return {k: format_ids(rows[dup.index[dup == k]]) for k in dict.fromkeys(dup)}


def merge_catalogue(base: pd.DataFrame, extra: pd.DataFrame, *, report: ValidationReport,
                    dataset: str = "categories", file: str | None = None) -> pd.DataFrame:
    """Extend or override a catalogue with a study's own category table.

    Parameters
    ----------
    base : DataFrame
        A typed catalogue, e.g. :func:`default_catalogue`.
    extra : DataFrame
        The study's table with (some of) the columns of :data:`CATALOGUE_COLUMNS`; ``key`` is
        required. Text or numbers; German decimal commas are accepted.
    report : ValidationReport
        Where problems are recorded (nothing is raised).
    dataset : str, default "categories"
        Dataset name for findings.
    file : str, optional
        File name for findings.

    Returns
    -------
    DataFrame
        A new typed catalogue: ``base`` with the overrides applied and new categories appended
        in the order of ``extra``.

    Notes
    -----
    * A row whose ``key`` is in ``base`` overrides only the cells it fills; empty cells keep
      the base value (an override cannot blank a value).
    * A row with a new key adds a category. It needs ``field`` and ``label_de``; missing
      ``label_en`` falls back to ``label_de``, missing ``reference_group`` to ``all``,
      missing ``binding`` to false.
    * ``field`` accepts a key (``counselling``) or a label (``Beratungsstruktur``); a label is
      translated to its key with a note (``field_label_used``).
    * Problems are errors in ``report``, and the offending cell (or, for a new category that
      cannot be added, the whole row) is left out: ``missing_key``, ``duplicate_key``,
      ``unknown_field`` (lists the six allowed keys), ``missing_field``, ``missing_label``,
      ``invalid_reference_group``, ``not_numeric``, ``negative_value``, ``invalid_binding``,
      ``invalid_osm_tags``; plus ``missing_column`` and the warning ``unknown_column`` from
      :func:`read_catalogue_table`.

    Examples
    --------
    >>> import pandas as pd
    >>> from quartier.validation import ValidationReport
    >>> report = ValidationReport()
    >>> extra = pd.DataFrame({"key": ["kita", "tafel_laden"], "field": ["", "Alltagshilfen"],
    ...                       "label_de": ["", "Tafelladen"], "max_distance_m": ["800", ""]})
    >>> cat = merge_catalogue(default_catalogue(), extra, report=report)
    >>> float(cat.loc["kita", "max_distance_m"]), cat.loc["kita", "label_de"]
    (800.0, 'Kindertagesstätte (Kita)')
    >>> cat.loc["tafel_laden", ["field", "reference_group"]].tolist()
    ['everyday_help', 'all']
    >>> report.codes()
    ['field_label_used']
    """
    table = read_catalogue_table(extra, report=report, dataset=dataset, file=file)
    result = base.copy()
    if table.empty:
        return result
    duplicated = _duplicates(table["key"], table["_row"])
    for key, rows in duplicated.items():
        report.add("error", "duplicate_key", dataset,
                   f"Die Kategorie '{key}' steht mehrmals in der Tabelle. Keine der Zeilen wird "
                   "verwendet.", "Die Zeilen zu einer zusammenfassen.", file=file, rows=rows,
                   column="key")
    new_rows: list[dict[str, object]] = []
    for _, row in table.iterrows():
        key, line = row["key"], row["_row"]
        if key == "":
            report.add("error", "missing_key", dataset,
                       "Eine Zeile der Kategorientabelle hat keinen Schlüssel (Spalte 'key'). "
                       "Sie wird nicht verwendet.",
                       "Den Schlüssel der Kategorie eintragen, z. B. 'kita', oder die Zeile "
                       "löschen.", file=file, rows=line, column="key")
            continue
        if key in duplicated:
            continue
        cells = _valid_cells(row, report, dataset, file, is_new=key not in result.index)
        if key in result.index:
            for column, value in cells.items():
                result.loc[key, column] = value
            continue
        addition = _new_category(key, line, cells, row["field"] != "", report, dataset, file)
        if addition is not None:
            new_rows.append(addition)
    if new_rows:
        added = pd.DataFrame(new_rows).set_index("key")
        result = pd.concat([result, added[result.columns]])
    result.index.name = "key"
    _check_members(result, table, report, dataset, file)
    return result.astype({c: float for c in _NUMERIC} | {"binding": bool}
                         | {c: str for c in _TEXT})


def _check_members(result: pd.DataFrame, table: pd.DataFrame, report: ValidationReport,
                   dataset: str, file: str | None) -> None:
    """Report ``combined_of`` members of the table's rows that are no plain category.

    Such members are left out of the combination (:func:`combined_members`); a combination
    left without any member is no standard.
    """
    combined = set(result.index[result["combined_of"].fillna("").astype(str) != ""])
    for _, row in table[table["combined_of"] != ""].iterrows():
        if row["key"] not in result.index or result.at[row["key"], "combined_of"] == "":
            continue
        wrong = [m for m in parse_combined(result.at[row["key"], "combined_of"])
                 if m not in result.index or m in combined]
        if wrong:
            report.add("error", "unknown_category", dataset,
                       f"'combined_of' der Kategorie '{row['key']}' nennt "
                       f"{', '.join(wrong)}: keine Kategorie des Katalogs oder selbst "
                       "zusammengesetzt. Diese Teile werden nicht verwendet.",
                       "Schlüssel einfacher Kategorien eintragen, z. B. "
                       "transit_stop:300;rail_station:600.", file=file, rows=row["_row"],
                       column="combined_of")


def _valid_cells(row: pd.Series, report: ValidationReport, dataset: str,
                 file: str | None, *, is_new: bool) -> dict[str, object]:
    """The typed values of a row's filled cells that pass the checks (others are reported)."""
    key, line = row["key"], row["_row"]
    cells: dict[str, object] = {}
    for column in CATALOGUE_COLUMNS[1:]:
        value = row[column]
        if value == "":
            continue
        if column == "field":
            try:
                field = field_key(value)
            except ValueError:
                consequence = ("Die neue Kategorie wird deshalb nicht angelegt." if is_new
                               else "Die Kategorie behält ihr bisheriges Handlungsfeld.")
                report.add("error", "unknown_field", dataset,
                           f"Das Handlungsfeld '{value}' der Kategorie '{key}' gibt es nicht. "
                           + consequence,
                           f"Eines der sechs Handlungsfelder eintragen: {_ALLOWED_FIELDS}.",
                           file=file, rows=line, column="field")
                continue
            if field != value:
                report.add("note", "field_label_used", dataset,
                           f"Das Handlungsfeld '{value}' der Kategorie '{key}' wurde als "
                           f"'{field}' gelesen.", "", file=file, rows=line, column="field")
            cells[column] = field
            continue
        code = _check_cell(column, value)
        if code is not None:
            _report_cell(report, code, dataset, file, line, column, value, key)
            continue
        if column in _NUMERIC:
            cells[column] = _to_float(value)
        elif column == "binding":
            cells[column] = _to_bool(value)
        else:
            cells[column] = value
    return cells


def _new_category(key: str, line: str, cells: dict[str, object], field_given: bool,
                  report: ValidationReport, dataset: str,
                  file: str | None) -> dict[str, object] | None:
    """A complete catalogue row for a new key, or None (reported) when it cannot be added."""
    complete = "field" in cells
    if not field_given:  # an invalid field has been reported as unknown_field already
        report.add("error", "missing_field", dataset,
                   f"Die neue Kategorie '{key}' hat kein Handlungsfeld und wird nicht angelegt.",
                   f"In Spalte 'field' eines der Handlungsfelder eintragen: {_ALLOWED_FIELDS}. "
                   "Falls eine vorhandene Kategorie gemeint war: den Schlüssel prüfen.",
                   file=file, rows=line, column="field")
    if "label_de" not in cells:
        complete = False
        report.add("error", "missing_label", dataset,
                   f"Die neue Kategorie '{key}' hat keine Bezeichnung und wird nicht angelegt.",
                   "In Spalte 'label_de' eintragen, wie die Kategorie im Bericht heißen soll.",
                   file=file, rows=line, column="label_de")
    if not complete:
        return None
    entry: dict[str, object] = {column: "" for column in _TEXT}
    entry.update({"key": key, **{column: np.nan for column in _NUMERIC}, "binding": False,
                  "reference_group": "all", "label_en": cells["label_de"]})
    entry.update(cells)
    return entry


# --------------------------------------------------------------------------------------------
# standards


def apply_standards(catalogue: pd.DataFrame, standards: pd.DataFrame, *,
                    report: ValidationReport, file: str | None = None,
                    dataset: str = "standards") -> pd.DataFrame:
    """Set a study's standards (Richtwerte) in a catalogue.

    Parameters
    ----------
    catalogue : DataFrame
        A typed catalogue (after :func:`merge_catalogue`, so that new categories can have
        standards too).
    standards : DataFrame
        One row per category with the columns of :data:`STANDARD_COLUMNS`; only ``category``
        is required.
    report : ValidationReport
        Where problems are recorded (nothing is raised).
    file : str, optional
        File name for findings.
    dataset : str, default "standards"
        Dataset name for findings.

    Returns
    -------
    DataFrame
        A new catalogue with the study's standards.

    Notes
    -----
    A row replaces the standard of its category as a whole, column by column for the columns
    the table has:

    * ``per_1000``, ``max_distance_m``, ``demand_rates`` and ``distance_by_group`` (the value
      columns): the row's value; an empty cell means "no standard of this kind" (NaN or
      ``""``), so a study can also switch a built-in standard off. When the table has any value
      column, the value columns it lacks are cleared for its rows (a row replaces the standard
      as a whole: ``per_1000 = 350`` for ``kita`` replaces the built-in demand rates).
    * ``source`` replaces ``standard_source`` and ``year`` replaces ``standard_year``. When
      the table sets a value but has no ``source`` (``year``) column, the old citation (year)
      no longer fits and is cleared. A standard without source gives a warning
      (``missing_source``).
    * ``reference_group``: an empty cell keeps the catalogue's group.
    * ``binding``: an empty cell means false.

    Errors (the row or cell is skipped): ``missing_column`` (no ``category``),
    ``unknown_category`` (lists the allowed keys), ``duplicate_category``, ``not_numeric``,
    ``negative_value``, ``invalid_reference_group``, ``invalid_binding``,
    ``invalid_group_values``.

    Examples
    --------
    >>> import pandas as pd
    >>> from quartier.validation import ValidationReport
    >>> report = ValidationReport()
    >>> table = pd.DataFrame({"category": ["kita"], "per_1000": ["350"],
    ...                       "source": ["Kita-Bedarfsplan 2024"]})
    >>> cat = apply_standards(default_catalogue(), table, report=report)
    >>> float(cat.loc["kita", "per_1000"]), cat.loc["kita", "standard_source"]
    (350.0, 'Kita-Bedarfsplan 2024')
    >>> report.ok
    True
    """
    result = catalogue.copy()
    table = _normalised_columns(standards)
    rows = _row_numbers(table)
    if "category" not in table.columns:
        report.add("error", "missing_column", dataset,
                   "Die Richtwert-Tabelle hat keine Spalte 'category'.",
                   "Eine Spalte 'category' mit dem Schlüssel der Kategorie anlegen, z. B. "
                   "'kita'.", file=file, column="category")
        return result
    unknown_columns = [c for c in table.columns if c not in STANDARD_COLUMNS and c != "_row"]
    if unknown_columns:
        report.add("warning", "unknown_column", dataset,
                   f"Die Richtwert-Tabelle hat Spalten, die quartier nicht kennt: "
                   f"{', '.join(unknown_columns)}. Sie werden nicht verwendet.",
                   "Erlaubt sind: " + ", ".join(STANDARD_COLUMNS) + ".", file=file)
    present = [c for c in STANDARD_COLUMNS if c in table.columns]
    text = pd.DataFrame({c: table[c].map(_cell_text).astype(str) for c in present})
    text = text[(text != "").any(axis=1)]
    duplicated = _duplicates(text["category"], rows)
    for key, where in duplicated.items():
        report.add("error", "duplicate_category", dataset,
                   f"Für die Kategorie '{key}' stehen mehrere Richtwerte in der Tabelle. Keiner "
                   "davon wird verwendet.", "Die Zeilen zu einer zusammenfassen.", file=file,
                   rows=where, column="category")
    sets_value = any(c in present for c in (*_NUMERIC, *_VALUE_TEXT))
    allowed = ", ".join(result.index)
    for index, row in text.iterrows():
        key, line = row["category"], rows[index]
        if key == "" or key in duplicated:
            if key == "":
                report.add("error", "missing_key", dataset,
                           "Eine Zeile der Richtwert-Tabelle hat keine Kategorie.",
                           "Die Kategorie eintragen, z. B. 'kita', oder die Zeile löschen.",
                           file=file, rows=line, column="category")
            continue
        if key not in result.index:
            report.add("error", "unknown_category", dataset,
                       f"Die Kategorie '{key}' gibt es im Katalog nicht; ihr Richtwert wird "
                       "nicht verwendet.",
                       f"Einen dieser Schlüssel verwenden: {allowed}. Eigene Kategorien zuerst "
                       "unter [categories] anlegen.", file=file, rows=line, column="category")
            continue
        _apply_standard_row(result, key, line, row, present, sets_value, report, dataset, file)
    return result


def _apply_standard_row(result: pd.DataFrame, key: str, line: str, row: pd.Series,
                        present: list[str], sets_value: bool, report: ValidationReport,
                        dataset: str, file: str | None) -> None:
    """Write one standards row into ``result`` (in place; ``result`` is the caller's copy)."""
    if sets_value:  # the row replaces the standard as a whole: kinds the table lacks are cleared
        for column in _NUMERIC:
            if column not in present:
                result.loc[key, column] = np.nan
        for column in _VALUE_TEXT:
            if column not in present:
                result.loc[key, column] = ""
    for column in _NUMERIC:
        if column not in present:
            continue
        value = row[column]
        code = _check_cell(column, value) if value else None
        if code is not None:
            _report_cell(report, code, dataset, file, line, column, value, key)
            continue
        result.loc[key, column] = _to_float(value)
    if "reference_group" in present and row["reference_group"]:
        value = row["reference_group"]
        if _check_cell("reference_group", value) is not None:
            _report_cell(report, "invalid_reference_group", dataset, file, line,
                         "reference_group", value, key)
        else:
            result.loc[key, "reference_group"] = value
    if "binding" in present:
        value = row["binding"]
        if value and _check_cell("binding", value) is not None:
            _report_cell(report, "invalid_binding", dataset, file, line, "binding", value, key)
        else:
            result.loc[key, "binding"] = _to_bool(value)
    for column in _GROUP_VALUES:
        if column not in present:
            continue
        value = row[column]
        if value and _check_cell(column, value) is not None:
            _report_cell(report, "invalid_group_values", dataset, file, line, column, value, key)
        else:
            result.loc[key, column] = value
    if "combined_of" in present:
        value = row["combined_of"]
        if value and _check_cell("combined_of", value) is not None:
            _report_cell(report, "invalid_combination", dataset, file, line, "combined_of",
                         value, key)
        elif value and (unknown := [m for m in parse_combined(value)
                                    if m not in result.index]):
            report.add("error", "unknown_category", dataset,
                       f"'{value}' in Spalte 'combined_of' (Kategorie '{key}') nennt Kategorien, "
                       f"die es im Katalog nicht gibt: {', '.join(unknown)}. Der Wert wird nicht "
                       "verwendet.", "Schlüssel aus dem Katalog verwenden, z. B. transit_stop.",
                       file=file, rows=line, column="combined_of")
        else:
            result.loc[key, "combined_of"] = value
    if "distance" in present:
        value = row["distance"]
        if value and _check_cell("distance", value) is not None:
            _report_cell(report, "invalid_distance_model", dataset, file, line, "distance",
                         value, key)
        else:
            result.loc[key, "distance"] = value
    if "source" in present:
        result.loc[key, "standard_source"] = row["source"]
    elif sets_value:
        result.loc[key, "standard_source"] = ""
    if "year" in present:
        result.loc[key, "standard_year"] = row["year"]
    elif sets_value:
        result.loc[key, "standard_year"] = ""
    has_value = (result.loc[key, list(_NUMERIC)].notna().any()
                 or (result.loc[key, list(_VALUE_TEXT)] != "").any())
    if has_value and result.loc[key, "standard_source"] == "":
        report.add("warning", "missing_source", dataset,
                   f"Der Richtwert für '{key}' hat keine Quellenangabe.",
                   "In Spalte 'source' eintragen, woher der Richtwert stammt (z. B. "
                   "Bedarfsplan, Satzung, Fachempfehlung); der Bericht nennt die Quelle.",
                   file=file, rows=line, column="source")


# --------------------------------------------------------------------------------------------
# lookups


def category_field(catalogue: pd.DataFrame) -> dict[str, str]:
    """Map each category key to its action field.

    Examples
    --------
    >>> category_field(default_catalogue())["food_bank"]
    'everyday_help'
    """
    return {str(k): str(v) for k, v in catalogue["field"].items()}


def category_labels(catalogue: pd.DataFrame, language: str = "de") -> dict[str, str]:
    """Map each category key to its label in ``language`` ("de" or "en").

    Examples
    --------
    >>> category_labels(default_catalogue(), "en")["kita"]
    'Day-care centre (Kita)'
    """
    if language not in LANGUAGES:
        raise ValueError(f"Unknown language {language!r}; allowed: {', '.join(LANGUAGES)}.")
    return {str(k): str(v) for k, v in catalogue[f"label_{language}"].items()}
