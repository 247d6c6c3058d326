"""Headers, labels and rounding of the public CSV files beside the report.

The CSV files in the report folder are read by people in Excel, so they speak the report's
language: German (or English) headers, labels instead of codes (``Lücke`` for ``gap``,
``Soziale Infrastruktur`` for ``social_infrastructure``, ``ja``/``nein`` for booleans) and
numbers rounded to the precision the report prints. Ids stay text, leading zeros included.

The machine-readable form with the English contract names and codes is the GeoPackage and the
CSV files of ``quartier indicators CONFIG``; this module only shapes the public copies.
Every table it returns is still written through :func:`quartier.export.spreadsheet.write_csv`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from quartier.catalogue import category_labels, reference_group_label
from quartier.fields import FIELDS, field_label
from quartier.indicators.registry import INDICATORS, social_class_label
from quartier.judgements import judgement_label
from quartier.partners.measures import status_label as measure_status_label

__all__ = [
    "HEADERS",
    "TABLE_HEADERS",
    "german_units",
    "header",
    "printed_decimals",
    "public_table",
    "round_printed",
    "yes_no",
]

#: Header of each contract column: (German, English).
HEADERS: dict[str, tuple[str, str]] = {
    "quarter_id": ("Quartier-Nr.", "Quarter no."),
    "quarter_name": ("Quartier", "Quarter"),
    "field": ("Handlungsfeld", "Action field"),
    "category": ("Kategorie", "Category"),
    "indicator": ("Indikator", "Indicator"),
    "value": ("Wert", "Value"),
    "unit": ("Einheit", "Unit"),
    "reference_group": ("Bezugsgruppe", "Reference group"),
    "target": ("Vergleichswert", "Comparison value"),
    "status": ("Bewertung", "Judgement"),
    "basis": ("Grundlage", "Basis"),
    "reason": ("Grund, falls nicht bewertet", "Reason if not assessed"),
    "resource": ("Ressource", "Resource"),
    "served_by_neighbours": ("von Nachbarquartieren versorgt", "Served by neighbouring quarters"),
    "unmet_people": ("Menschen ohne Zugang", "People without access"),
    "missing_places": ("fehlende Plätze", "Missing places"),
    "demand": ("Bedarf", "Demand"),
    "standard_source": ("Quelle des Richtwerts", "Source of the standard"),
    "standard_year": ("Jahr des Richtwerts", "Year of the standard"),
    "standard_binding": ("Richtwert verbindlich", "Standard binding"),
    "edge": ("am Rand des Untersuchungsgebiets", "At the edge of the study area"),
    "facility_id": ("Einrichtungs-Nr.", "Facility no."),
    "name": ("Name", "Name"),
    "capacity": ("Kapazität", "Capacity"),
    "operator": ("Träger", "Operator"),
    "target_group": ("Zielgruppe", "Target group"),
    "address": ("Adresse", "Address"),
    "source": ("Quelle", "Source"),
    "x": ("Rechtswert (m)", "Easting (m)"),
    "y": ("Hochwert (m)", "Northing (m)"),
    "lon": ("Längengrad", "Longitude"),
    "lat": ("Breitengrad", "Latitude"),
    "year": ("Jahr", "Year"),
    "included": ("im Index berücksichtigt", "Included in the index"),
    "status_sum": ("Statussumme", "Status sum"),
    "status_index": ("Statusindex", "Status index"),
    "status_class": ("Statusklasse", "Status class"),
    "status_class_number": ("Statusklasse (Nr.)", "Status class (no.)"),
    "dynamics_sum": ("Dynamiksumme", "Dynamics sum"),
    "dynamics_index": ("Dynamikindex", "Dynamics index"),
    "dynamics_class": ("Dynamikklasse", "Dynamics class"),
    "combined_class": ("Gesamtklasse", "Combined class"),
    "organisation": ("Organisation", "Organisation"),
    "type": ("Art", "Type"),
    "fields": ("Handlungsfelder", "Action fields"),
    "quarters": ("Quartiere", "Quarters"),
    "town_wide": ("stadtweit", "Town-wide"),
    "facilities": ("Einrichtungen", "Facilities"),
    "contact_person": ("Ansprechperson", "Contact person"),
    "email": ("E-Mail", "E-mail"),
    "phone": ("Telefon", "Phone"),
    "measure_id": ("Maßnahmen-Nr.", "Measure no."),
    "title": ("Titel", "Title"),
    "budget_planned": ("Budget geplant (€)", "Planned budget (€)"),
    "budget_spent": ("Budget ausgegeben (€)", "Budget spent (€)"),
    "start": ("Beginn", "Start"),
    "end": ("Ende", "End"),
    "period": ("Zeitraum", "Period"),
    "count": ("Anzahl", "Count"),
}

#: Headers that differ from :data:`HEADERS` in one table (table kind → column → (de, en)).
TABLE_HEADERS: dict[str, dict[str, tuple[str, str]]] = {
    "measures": {"status": ("Stand", "Status"), "target": ("Ziel", "Target")},
    "concerns": {"status": ("Bearbeitungsstand", "Status")},
}

_BASIS = {"town": ("Stadtmittel (Median der Quartiere)", "Town median"),
          "standard": ("Richtwert", "Standard")}
_REASONS = {
    "few_residents": ("zu wenige Einwohner*innen", "Too few residents"),
    "mostly_non_residential": ("überwiegend ohne Wohnbebauung", "Mostly non-residential"),
    "no_reference_population": ("keine Bezugsbevölkerung", "No reference population"),
    "incomplete_data": ("Daten unvollständig", "Incomplete data"),
    "combined_member": ("Teil eines gemeinsamen Richtwerts", "Part of a combined standard"),
}
_YES_NO = {"de": ("ja", "nein"), "en": ("yes", "no")}
#: Columns holding a judgement code, a field key, a category key, an indicator name.
_STATUS_COLUMNS = {"indicators": "status", "gaps": "status"}
#: Whole numbers in the report (people, places, euros).
_WHOLE = ("unmet_people", "missing_places", "demand", "capacity", "budget_planned",
          "budget_spent", "facilities")
#: Two decimals as the social index chapter prints them.
_INDEX = ("status_sum", "status_index", "dynamics_sum", "dynamics_index")


def _pick(pair: tuple[str, str], language: str) -> str:
    return pair[0] if language == "de" else pair[1]


def _plain_label(column: str, language: str = "de") -> str:
    """A data column's name with spaces (``leerstands_quote`` → ``Leerstands quote``)."""
    name = str(column).replace("_", " ").strip()
    return name[:1].upper() + name[1:]


def header(column: str, language: str = "de", kind: str = "",
           column_label: Callable[[str, str], str] = _plain_label) -> str:
    """The public header of a contract column; unknown columns keep their name.

    A social index column ``z_<indicator>`` becomes ``z-Wert: <label>`` and
    ``z_change_<indicator>`` ``z-Wert Veränderung: <label>``, the label given by
    ``column_label(name, language)`` (the report passes the profiles' labels).

    Examples
    --------
    >>> header("quarter_id"), header("unmet_people", "en"), header("status", kind="measures")
    ('Quartier-Nr.', 'People without access', 'Stand')
    >>> header("z_change_arbeitslose_anteil")
    'z-Wert Veränderung: Arbeitslose anteil'
    """
    known = TABLE_HEADERS.get(kind, {}).get(column) or HEADERS.get(column)
    if known:
        return _pick(known, language)
    if column.startswith("z_"):
        change = column.startswith("z_change_")
        name = column_label(column[len("z_change_" if change else "z_"):], language)
        prefix = {("de", False): "z-Wert", ("de", True): "z-Wert Veränderung",
                  ("en", False): "z-value", ("en", True): "z-value change"}
        return f"{prefix['de' if language == 'de' else 'en', change]}: {name}"
    return column


def printed_decimals(values: pd.Series, indicators: pd.Series | str) -> np.ndarray:
    """Decimals the report prints for each value of its indicator.

    Notes
    -----
    As :func:`quartier.report.context.format_indicator`: ``coverage`` 1 (percent),
    ``status_index``/``dynamics_index`` 2, ``supply_rate`` and ``fca_access`` 2 below 10, 1
    below 100, else 0 (by the absolute value); every other indicator 0.

    Examples
    --------
    >>> printed_decimals(pd.Series([0.6215, 12.3, 751.3]), "fca_access").tolist()
    [2, 1, 0]
    """
    size = np.abs(pd.to_numeric(values, errors="coerce").to_numpy(dtype=float))
    size = np.where(np.isfinite(size), size, 0.0)
    names = np.asarray(indicators if not isinstance(indicators, str)
                       else np.full(len(size), indicators), dtype=object)
    rate = np.isin(names, ["supply_rate", "fca_access"])
    return np.select([names == "coverage", np.isin(names, list(_INDEX)),
                      rate & (size < 10), rate & (size < 100)], [1, 2, 2, 1], default=0)


def round_printed(values: pd.Series, indicators: pd.Series | str) -> pd.Series:
    """``values`` rounded to :func:`printed_decimals` (still numbers; NaN stays NaN).

    Examples
    --------
    >>> round_printed(pd.Series([39.499874, 0.62153, 1234.56]),
    ...               pd.Series(["fca_access", "fca_access", "median_distance"])).tolist()
    [39.5, 0.62, 1235.0]
    """
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    decimals = printed_decimals(values, indicators)
    # the same rounding as the printed text (format of the exact binary value), so that the
    # CSV never disagrees with the report in the last printed digit
    rounded = [float(f"{n:.{d}f}") + 0.0 if np.isfinite(n) else n  # + 0.0: no "-0"
               for n, d in zip(numbers.tolist(), decimals.tolist(), strict=True)]
    return pd.Series(rounded, index=values.index)


def yes_no(values: pd.Series, language: str = "de") -> pd.Series:
    """Booleans as ``ja``/``nein`` (``yes``/``no``); missing stays empty.

    Examples
    --------
    >>> yes_no(pd.Series([True, False, None])).tolist()
    ['ja', 'nein', None]
    """
    yes, no = _YES_NO["de" if language == "de" else "en"]
    return pd.Series([None if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v))
                      else yes if bool(v) else no for v in values], index=values.index,
                     dtype=object)


def german_units(catalogue: pd.DataFrame) -> dict[str, str]:
    """English unit → German unit for every unit of the registry and the catalogue."""
    units = {i.unit_en: i.unit_de for i in INDICATORS.values()}
    units["per 1,000"] = "je 1.000"
    units["facilities per 1,000"] = "Einrichtungen je 1.000"
    for english, german in zip(catalogue["capacity_unit_en"], catalogue["capacity_unit_de"]):
        if isinstance(english, str) and english:
            units[english] = german
            units[f"{english} per 1,000"] = f"{german} je 1.000"
    units[""] = ""
    return units


def _mapped(values: pd.Series, label: Any) -> pd.Series:
    """``label`` applied to each text value; missing and empty stay as they are."""
    return pd.Series([label(v) if isinstance(v, str) and v else v for v in values],
                     index=values.index, dtype=object)


def _reference_group(text: str, language: str) -> str:
    try:
        return reference_group_label(text, language)
    except ValueError:
        return text


def _target(text: str, categories: dict[str, str], language: str) -> str:
    """``kita:supply_rate`` → ``Kita – Versorgungsquote im Quartier``."""
    category, _, indicator = text.partition(":")
    label = categories.get(category, category)
    if indicator in INDICATORS:
        return f"{label} – {getattr(INDICATORS[indicator], f'label_{language}')}"
    return f"{label} – {indicator}" if indicator else label


def public_table(table: pd.DataFrame, kind: str, language: str = "de", *,
                 catalogue: pd.DataFrame | None = None,
                 quarter_names: pd.Series | None = None,
                 column_label: Callable[[str, str], str] = _plain_label) -> pd.DataFrame:
    """The public copy of an export table: labels, rounding and headers in ``language``.

    Parameters
    ----------
    table : DataFrame
        A contract table (English column names and codes).
    kind : {"indicators", "gaps", "facilities", "status", "housing", "partners", "measures", \
"concerns"}
        Which table it is; decides the headers that differ between tables and the rounding.
    language : {"de", "en"}
        Language of headers and labels.
    catalogue : DataFrame, optional
        The study's category catalogue (category labels and capacity units).
    quarter_names : Series, optional
        Quarter name by quarter id; adds a ``Quartier`` column after the quarter number.
    column_label : callable, optional
        ``column_label(name, language)``: the label of a data column of the study (housing
        figures, social indicators in the z-value headers); default the name with spaces.

    Returns
    -------
    DataFrame
        A new table; ids are text (``"01"`` stays ``"01"``), numbers stay numbers.
    """
    language = "de" if language == "de" else "en"
    out = table.copy()
    categories = category_labels(catalogue, language) if catalogue is not None else {}
    if "quarter_id" in out:
        ids = out["quarter_id"]
        out["quarter_id"] = pd.Series([None if v is None or v is pd.NA or
                                       (isinstance(v, float) and np.isnan(v)) else str(v)
                                       for v in ids], index=out.index, dtype=object)
        if quarter_names is not None:
            names = {str(k): v for k, v in quarter_names.items()}
            out.insert(out.columns.get_loc("quarter_id") + 1, "quarter_name",
                       out["quarter_id"].map(names).astype(object))
    # numbers: rounded to the printed precision, computed on the codes before labelling
    if "value" in out and "indicator" in out:
        indicator = out["indicator"].astype(object)
        out["value"] = round_printed(out["value"], indicator)
        if "target" in out and pd.api.types.is_numeric_dtype(out["target"]):
            out["target"] = round_printed(out["target"], indicator)
    for column in out.columns:
        if column in _WHOLE and pd.api.types.is_float_dtype(out[column]):
            out[column] = out[column].round(0).astype("Int64")  # 42, not 42,0
        elif (column in _INDEX or column.startswith("z_")) and \
                pd.api.types.is_float_dtype(out[column]):
            out[column] = out[column].round(2)
    # codes → labels
    if "field" in out:
        out["field"] = _mapped(out["field"], lambda v: field_label(v, language)
                               if v in FIELDS else v)
    if "fields" in out:
        out["fields"] = _mapped(out["fields"], lambda v: ", ".join(
            field_label(f, language) if f in FIELDS else f for f in v.split(";") if f))
    if "category" in out:
        out["category"] = _mapped(out["category"], lambda v: categories.get(v, v))
    if "indicator" in out:
        out["indicator"] = _mapped(out["indicator"], lambda v: getattr(
            INDICATORS[v], f"label_{language}") if v in INDICATORS else v)
    if kind in _STATUS_COLUMNS and "status" in out:
        out["status"] = _mapped(out["status"], lambda v: judgement_label(v, language))
    if kind == "measures":
        if language == "en" and "status" in out:
            out["status"] = _mapped(out["status"], lambda v: measure_status_label(v, "en"))
        if "target" in out:
            out["target"] = _mapped(out["target"], lambda v: _target(v, categories, language))
    if "basis" in out:
        out["basis"] = _mapped(out["basis"], lambda v: _pick(_BASIS[v], language)
                               if v in _BASIS else judgement_label(v, language))
    if "reason" in out:
        out["reason"] = _mapped(out["reason"], lambda v: _pick(_REASONS[v], language)
                                if v in _REASONS else v)
    if "reference_group" in out:
        out["reference_group"] = _mapped(out["reference_group"],
                                         lambda v: _reference_group(v, language))
    if "unit" in out and language == "de" and catalogue is not None:
        units = german_units(catalogue)
        out["unit"] = _mapped(out["unit"], lambda v: units.get(v, v))
    if language == "en":
        for column in ("status_class", "dynamics_class", "combined_class"):
            if column in out:
                out[column] = _mapped(out[column], lambda v: social_class_label(v, "en"))
    for column in out.columns:
        if pd.api.types.is_bool_dtype(out[column]):
            out[column] = yes_no(out[column], language)
    if kind == "housing":
        out.columns = [header(c, language, kind) if c in ("quarter_id", "quarter_name")
                       else column_label(c, language) for c in out.columns]
        return out
    out.columns = [header(c, language, kind, column_label) for c in out.columns]
    return out
