"""The schema of ``quartier.toml``: every section and key with its expected type and range.

One table (:data:`SECTIONS`) names, per section, each key the tool reads, what kind of value
it takes (text, whole number, number with a range, list, table …) and a German description
for messages. :func:`check_table` checks one section against it: a value of the wrong type or
outside its range is an *error* (and is dropped, so that nothing downstream sees it), a key the
tool does not know is a *warning* with the nearest known key ("Meinten Sie …?").
:data:`COLUMN_CONTRACTS` does the same for the contract names of each dataset's ``columns``.

To add a key, add one line to the section's table in :data:`SECTIONS` (and document it in
``docs/config.md``); to add a section (e.g. ``population.residential``), add a table under its
dotted name. Sections given as ``[[name]]`` (several blocks) are listed in
:data:`LIST_SECTIONS`.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from quartier.errors import QuartierError
from quartier.fields import LANGUAGES
from quartier.validation import ValidationReport

__all__ = ["Key", "SECTIONS", "LIST_SECTIONS", "DATASET_SECTIONS", "COLUMN_CONTRACTS",
           "OPEN_COLUMN_MAPPINGS", "GERMAN_NAMES", "check_table", "check_value", "check_columns",
           "report_unknown", "closest", "subsections", "type_name"]


class _MismatchError(QuartierError, ValueError):
    """A value that does not fit its key; the text says what is wrong (German)."""


@dataclass(frozen=True)
class Key:
    """One key of the config: its kind of value, its range, and how to describe it.

    Parameters
    ----------
    kind : str
        ``text``, ``separator`` (non-empty text, spaces allowed), ``integer``, ``number``,
        ``bool``, ``choice``, ``texts`` (a list of texts; a single text is taken as a list of
        one), ``ids`` (a list of texts or whole numbers, read as texts), ``paths`` (a text or a
        non-empty list of texts), ``label`` (text or whole number), ``date`` (text or TOML
        date), ``year`` (a whole number or digits as text), ``text_table`` (a table of texts),
        ``columns`` (a column mapping: texts; a list of texts for ``address``), ``filter`` (a
        table of attribute values: texts or numbers, or lists of them).
    description : str
        German description of what is expected, for messages ("Entfernung in Metern").
    example : str
        A valid value as written in TOML, for the hint.
    minimum, maximum : float, optional
        Range of ``integer``, ``number`` and ``year`` values.
    above_minimum : bool
        The value must be greater than ``minimum`` (not equal to it).
    choices : tuple of str
        The allowed values of a ``choice``.
    """

    kind: str
    description: str
    example: str
    minimum: float | None = None
    maximum: float | None = None
    above_minimum: bool = False
    choices: tuple[str, ...] = ()


# --- the schema ---------------------------------------------------------------------------

_TEXT_EXAMPLE = '"…"'
_DATASET_COMMON = {
    "path": Key("paths", "Dateipfad als Text (oder eine Liste von Pfaden), relativ zum Ordner "
                "der Konfiguration", '"datei.csv"'),
    "columns": Key("columns", "Tabelle der Spaltenzuordnung { Vertragsname = \"Spalte\" }",
                   '{ quarter_id = "nr" }'),
    "label": Key("text", "Name der Quelle als Text", '"Einrichtungsregister"'),
    "date": Key("date", "Stand der Daten als Text oder Datum", '"31.12.2024"'),
    "sheet": Key("label", "Name (Text) oder Nummer des Excel-Tabellenblatts", '"Tabelle1"'),
    "header_row": Key("integer", "Zeile mit den Spaltennamen (ganze Zahl ab 1)", "5", minimum=1),
    "skip_rows": Key("integer", "Anzahl Zeilen über der Kopfzeile (ganze Zahl ab 0)", "4",
                     minimum=0),
    "encoding": Key("text", "Kodierung der Datei als Text", '"cp1252"', minimum=1),
    "member": Key("text", "Name der Datei im ZIP-Archiv als Text", '"daten.csv"', minimum=1),
}
_GEO = {
    "layer": Key("text", "Name der Ebene (Layer) als Text", '"quartiere"'),
    "crs": Key("label", "Koordinatenreferenzsystem als Text oder EPSG-Nummer", '"EPSG:25832"'),
    "wkt": Key("text", "Name der WKT-Spalte als Text", '"geometry"'),
}
_XY = {
    "x": Key("text", "Name der Spalte mit der x-Koordinate (Rechtswert/Länge) als Text",
             '"rechtswert"'),
    "y": Key("text", "Name der Spalte mit der y-Koordinate (Hochwert/Breite) als Text",
             '"hochwert"'),
}
_LIST_SEPARATOR = {"list_separator": Key("separator", "Trennzeichen als Text (nicht leer)",
                                         '"|"')}
_OTHER_BOUNDARIES = {
    "boundaries": Key("text", "Pfad zur Grenzdatei, auf die sich die IDs dieser Tabelle "
                      "beziehen, als Text", '"alte_quartiere.geojson"', minimum=1),
    "boundaries_columns": Key("columns", "Tabelle { quarter_id = \"Spalte\" } der Grenzdatei",
                              '{ quarter_id = "id" }'),
    "boundaries_id_corrections": Key("text_table", "Tabelle { \"Objektnummer\" = \"ID\" }",
                                     '{ "124" = "04030417" }'),
    "boundaries_layer": Key("text", "Name der Ebene (Layer) der Grenzdatei als Text",
                            '"quartiere"'),
    "boundaries_counts": Key("texts", "Liste der Spalten, die Anzahlen sind (Texte)",
                             '["wohnungen"]'),
    "boundaries_rates": Key("texts", "Liste der Spalten, die Quoten oder Anteile sind (Texte)",
                            '["leerstand_anteil"]'),
    "boundaries_weight": Key("text", "Name der Spalte mit Anzahlen, nach denen Quoten "
                             "gewichtet werden, als Text", '"einwohner"'),
}
_ADDRESS_COLUMNS = {"address_columns": Key(
    "texts", "Liste von Spaltennamen (Texte)", '["strasse", "hausnummer", "plz", "ort"]')}
_PRESET = {
    "preset": Key("text", "Name eines bekannten Formats als Text", '"zensus2022"'),
    "format": Key("text", "Name eines bekannten Formats als Text", '"zensus2022"'),
}

#: Every section of ``quartier.toml`` (dotted name) → its keys. Sub-sections are sections of
#: their own (``population.grid``); a section holding only sub-sections has an empty table.
SECTIONS: dict[str, dict[str, Key]] = {
    "study": {
        "name": Key("text", "Name der Studie als Text (nicht leer)", '"Musterstadt"', minimum=1),
        "crs": Key("label", "Koordinatenreferenzsystem als Text oder EPSG-Nummer",
                   '"EPSG:25832"'),
        "edition": Key("label", "Bezeichnung der Ausgabe als Text oder Jahreszahl", '"2025"'),
        "language": Key("choice", "Berichtssprache", '"de"', choices=LANGUAGES),
        "id_width": Key("integer", "Anzahl der Stellen der Quartiersnummern (ganze Zahl von 1 "
                        "bis 32)", "8", minimum=1, maximum=32),
        "attribution": Key("texts", "Liste von Quellenzeilen (Texte)", '["Geobasisdaten: …"]'),
        "root": Key("text", "Ordner als Text, relativ zum Ordner der Konfiguration", '"."'),
    },
    "quarters": {**_DATASET_COMMON, **_GEO,
                 "id_corrections": Key("text_table", "Tabelle { \"Objektnummer\" = \"ID\" }",
                                       '{ "124" = "04030417" }'),
                 "district_from_id": Key("integer", "Anzahl der ersten Stellen der "
                                         "Quartiersnummer, die den Bezirk angeben (ganze Zahl "
                                         "von 1 bis 31)", "2", minimum=1, maximum=31),
                 "district_names": Key("text_table", "Tabelle { \"Bezirksnummer\" = "
                                       "\"Name\" }", '{ "01" = "Mitte" }')},
    "population": {
        "age_structure": Key("text", "Pfad zu einer CSV mit den Spalten age und residents "
                             "(Einwohner je Altersjahr) als Text", '"altersstruktur.csv"',
                             minimum=1),
    },
    "population.grid": {**_DATASET_COMMON, **_PRESET, "crs": _GEO["crs"],
                        "study_area_only": Key("bool", "Wahrheitswert", "true")},
    "population.quarters": {**_DATASET_COMMON, **_PRESET},
    "population.residential": {**_DATASET_COMMON, **_GEO, "filter": Key(
        "filter", "Tabelle { Spalte = Wert oder [Werte] } der Objekte, die gelten",
        '{ nutzung = ["Wohnen", "Mischgebiet"] }')},
    "population.uninhabited": {**_DATASET_COMMON, **_GEO, "filter": Key(
        "filter", "Tabelle { Spalte = Wert oder [Werte] } der Objekte, die gelten",
        '{ fclass = ["forest", "water"] }')},
    "facilities": {
        **_DATASET_COMMON, **_GEO, **_XY,
        "category": Key("text", "Schlüssel einer Kategorie des Katalogs als Text", '"kita"'),
        "category_map": Key("text_table", "Tabelle { \"Wert in der Datei\" = \"Kategorie\" }",
                            '{ "Kindertagesstätte" = "kita" }'),
        "osm": Key("bool", "Wahrheitswert", "true"),
        "format": Key("choice", "Format der Datei (\"osm\": OpenStreetMap-Auszug)", '"osm"',
                      choices=("osm",)),
        "context": Key("bool", "Wahrheitswert", "true"),
        "complete": Key("bool", "Wahrheitswert", "false"),
        "id_prefix": Key("text", "Vorsilbe der IDs als Text", '"kita-"'),
        "address_columns": Key("texts", "Liste von Spaltennamen (Texte)",
                               '["strasse", "hausnummer", "plz", "ort"]'),
    },
    "housing": {**_DATASET_COMMON, **_OTHER_BOUNDARIES},
    "social": {**_DATASET_COMMON, **_OTHER_BOUNDARIES,
               "year": Key("year", "Jahr als ganze Zahl", "2024", minimum=1800, maximum=2200)},
    "actors": {**_DATASET_COMMON, **_LIST_SEPARATOR, **_ADDRESS_COLUMNS},
    "addresses": {**_DATASET_COMMON, **_GEO, **_XY, **_PRESET,
                  "fuzzy_min_score": Key("number", "kleinste Ähnlichkeit unscharf gefundener "
                                         "Straßennamen, 0 bis 100", "90", minimum=0,
                                         maximum=100)},
    "measures": {**_DATASET_COMMON, **_LIST_SEPARATOR},
    "concerns": {
        **_DATASET_COMMON, **_XY, "crs": _GEO["crs"],
        "min_count": Key("integer", "kleinste veröffentlichte Anzahl (ganze Zahl ab 2)", "3",
                         minimum=2),
        "period": Key("choice", "Zeitraum der Zählung", '"year"',
                      choices=("year", "half_year")),
    },
    "categories": dict(_DATASET_COMMON),
    "standards": dict(_DATASET_COMMON),
    "network": {
        "path": Key("text", "Pfad zu einem OpenStreetMap-Auszug (.osm.pbf, .osm, .osm.gz) als "
                    "Text, relativ zum Ordner der Konfiguration", '"region.osm.pbf"', minimum=1),
        "label": _DATASET_COMMON["label"],
        "date": _DATASET_COMMON["date"],
        "mode": Key("choice", "Verkehrsmittel des Wegenetzes", '"walk"', choices=("walk",)),
        "speed_kmh": Key("number", "Gehgeschwindigkeit in km/h, größer als 0 und höchstens 30",
                         "4.5", minimum=0, above_minimum=True, maximum=30),
        "distance": Key("choice", "Entfernungsmodell der Studie", '"network"',
                        choices=("network", "straight")),
    },
    "indicators": {
        "split_boundary_cells": Key("bool", "Wahrheitswert", "false"),
        "catchment_m": Key("number", "Entfernung in Metern, größer als 0 und höchstens 100000",
                           "1500", minimum=0, above_minimum=True, maximum=100_000),
        "min_population": Key("number", "Einwohnerzahl, mindestens 0", "300", minimum=0),
        "resource_factor": Key("number", "Faktor, mindestens 1", "1.5", minimum=1),
        "coverage_gap_below": Key("number", "Anteil zwischen 0 und 1", "0.75", minimum=0,
                                  maximum=1),
        "coverage_resource_from": Key("number", "Anteil zwischen 0 und 1", "0.95", minimum=0,
                                      maximum=1),
        "median_gap_factor": Key("number", "Faktor zwischen 0 und 1", "0.5", minimum=0,
                                 maximum=1),
        "median_resource_factor": Key("number", "Faktor, mindestens 1", "1.5", minimum=1),
        "context_buffer_m": Key("number", "Entfernung in Metern, mindestens 0 und höchstens "
                                "100000", "2000", minimum=0, maximum=100_000),
        "remote_radius_m": Key("number", "Entfernung in Metern, größer als 0 und höchstens "
                               "5000", "400", minimum=0, above_minimum=True, maximum=5_000),
        "remote_share_flag": Key("number", "Anteil zwischen 0 und 1", "0.2", minimum=0,
                                 maximum=1),
    },
    "indicators.status_index": {
        "status": Key("texts", "Liste von Spaltennamen der Sozialindikatoren (Texte)",
                      '["arbeitslose_anteil", "sgb2_anteil"]'),
        "dynamics": Key("texts", "Liste von Spaltennamen (Texte)", "[]"),
        "year": Key("year", 'Jahr als ganze Zahl oder "{edition}"', "2025", minimum=1800,
                    maximum=2200),
        "dynamics_years": Key("integer", "Anzahl Jahre (ganze Zahl von 1 bis 50)", "2",
                              minimum=1, maximum=50),
        "population": Key("text", "Name der Einwohnerspalte als Text", '"einwohner"'),
        "min_population": Key("number", "Einwohnerzahl, mindestens 0", "300", minimum=0),
        "exclude": Key("ids", "Liste von Quartiers-IDs", '["0101"]'),
    },
}

#: Sections written ``[[name]]``: several blocks (a single ``[name]`` table is accepted too).
LIST_SECTIONS: tuple[str, ...] = ("facilities", "social")

#: Sections describing one dataset (a file with ``path`` and ``columns``).
DATASET_SECTIONS: tuple[str, ...] = tuple(name for name, keys in SECTIONS.items()
                                          if "path" in keys)

_AGE_BAND = re.compile(r"^age_\d+_(\d+|plus)$")

#: Contract names a dataset's ``columns`` maps onto (see the data contracts in docs/config.md).
COLUMN_CONTRACTS: dict[str, tuple[str, ...]] = {
    "quarters": ("quarter_id", "name"),
    "population.grid": ("cell_id", "x", "y", "total"),
    "population.quarters": ("quarter_id", "name", "total"),
    "population.residential": ("weight",),
    "population.uninhabited": (),
    "facilities": ("facility_id", "name", "category", "capacity", "operator", "target_group",
                   "address"),
    "housing": ("quarter_id", "name"),
    "social": ("quarter_id", "name", "year"),
    "actors": ("actor_id", "name", "type", "fields", "quarter_id", "public"),
    "measures": ("measure_id", "title", "field", "quarter_id", "target", "budget_planned",
                 "budget_spent", "status", "start", "end"),
    "concerns": ("concern_id", "date", "field", "quarter_id", "status", "topic"),
    "addresses": ("street", "house_number", "house_number_suffix", "postcode", "town"),
    # the columns of quartier.catalogue.CATALOGUE_COLUMNS and STANDARD_COLUMNS (a test keeps
    # them equal; not imported, so that reading the config does not load the catalogue)
    "categories": ("key", "field", "label_de", "label_en", "reference_group",
                   "capacity_unit_de", "capacity_unit_en", "per_1000", "max_distance_m",
                   "standard_source", "standard_year", "binding", "demand_rates",
                   "distance_by_group", "osm_tags", "max_minutes", "distance", "combined_of",
                   "planning_scale"),
    "standards": ("category", "per_1000", "max_distance_m", "reference_group", "source",
                  "binding", "year", "demand_rates", "distance_by_group", "max_minutes",
                  "distance", "combined_of"),
    "network": (),
}
#: Datasets whose other columns are kept under the name the mapping gives them (indicators,
#: internal notes): there a key is reported only when it looks like a typo of a contract name.
OPEN_COLUMN_MAPPINGS: tuple[str, ...] = ("housing", "social", "actors", "measures", "concerns")
#: German words users often write for a contract name (compared without case, umlauts as ae,
#: oe, ue): suggested where the key is not close in spelling ("kapazitaet" → capacity).
GERMAN_NAMES: dict[str, str] = {
    "quartier": "quarter_id", "quartiersnummer": "quarter_id", "quartierid": "quarter_id",
    "nr": "quarter_id", "nummer": "quarter_id", "id": "facility_id",
    "kapazitaet": "capacity", "plaetze": "capacity", "platzzahl": "capacity",
    "traeger": "operator", "betreiber": "operator", "zielgruppe": "target_group",
    "adresse": "address", "anschrift": "address", "kategorie": "category", "art": "type",
    "einwohner": "total", "gesamt": "total", "insgesamt": "total", "jahr": "year",
    "titel": "title", "handlungsfeld": "field", "handlungsfelder": "fields", "ziel": "target",
    "datum": "date", "thema": "topic", "oeffentlich": "public", "zelle": "cell_id",
    "gitterid": "cell_id", "rechtswert": "x", "hochwert": "y", "beginn": "start", "ende": "end",
    "budgetgeplant": "budget_planned", "budgetausgegeben": "budget_spent",
    "richtwert": "per_1000", "quelle": "source", "verbindlich": "binding",
}


def _plain(word: str) -> str:
    text = str(word).strip().lower()
    for umlaut, plain in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(umlaut, plain)
    return re.sub(r"[\s_\-]+", "", text)


#: Datasets with age bands (``age_0_5``, ``age_80_plus`` …) among their contract names.
_WITH_AGE_BANDS = ("population.grid", "population.quarters")


# --- checking values ----------------------------------------------------------------------

_TYPE_NAMES: tuple[tuple[type | tuple[type, ...], str], ...] = (
    (bool, "Wahrheitswert"), (int, "ganze Zahl"), (float, "Zahl"), (str, "Text"),
    (list, "Liste"), (dict, "Tabelle"), ((_dt.date, _dt.time), "Datum/Uhrzeit"),
)


def type_name(value: Any) -> str:
    """German name of the TOML type of ``value`` ("Text", "Liste" …; bool before int).

    Examples
    --------
    >>> type_name(True), type_name(3), type_name([1])
    ('Wahrheitswert', 'ganze Zahl', 'Liste')
    """
    return next((name for kind, name in _TYPE_NAMES if isinstance(value, kind)),
                type(value).__name__)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _in_range(number: float, key: Key) -> float:
    if isinstance(number, float) and not math.isfinite(number):
        raise _MismatchError("ist keine endliche Zahl")
    if key.minimum is not None:
        if key.above_minimum and number <= key.minimum:
            raise _MismatchError(f"muss größer als {key.minimum:g} sein")
        if number < key.minimum:
            raise _MismatchError(f"ist kleiner als {key.minimum:g}")
    if key.maximum is not None and number > key.maximum:
        raise _MismatchError(f"ist größer als {key.maximum:g}")
    return number


def _text(value: Any, key: Key) -> str:
    if not isinstance(value, str):
        raise _MismatchError(f"ist {type_name(value)}, kein Text")
    if key.minimum is not None and len(value.strip()) < key.minimum:
        raise _MismatchError("ist leer")
    return value


def _separator(value: Any, key: Key) -> str:
    if not isinstance(value, str):
        raise _MismatchError(f"ist {type_name(value)}, kein Text")
    if not value:
        raise _MismatchError("ist leer")
    return value


def _integer(value: Any, key: Key) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise _MismatchError(f"ist {type_name(value)}, keine ganze Zahl")
    return int(_in_range(value, key))


def _number(value: Any, key: Key) -> float:
    if not _is_number(value):
        raise _MismatchError(f"ist {type_name(value)}, keine Zahl")
    return float(_in_range(value, key))


def _bool(value: Any, key: Key) -> bool:
    if not isinstance(value, bool):
        raise _MismatchError(f"ist {type_name(value)}, kein Wahrheitswert (true/false)")
    return value


def _choice(value: Any, key: Key) -> str:
    if value not in key.choices:
        raise _MismatchError("ist keiner der erlaubten Werte " + ", ".join(
            f'"{c}"' for c in key.choices))
    return value


def _texts(value: Any, key: Key) -> list[str]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list):
        raise _MismatchError(f"ist {type_name(value)}, keine Liste")
    wrong = [item for item in items if not isinstance(item, str)]
    if wrong:
        raise _MismatchError(f"enthält {type_name(wrong[0])} statt Text ({wrong[0]!r})")
    return list(items)


def _ids(value: Any, key: Key) -> list[str]:
    items = [value] if isinstance(value, (str, int)) and not isinstance(value, bool) else value
    if not isinstance(items, list):
        raise _MismatchError(f"ist {type_name(value)}, keine Liste")
    wrong = [item for item in items
             if not isinstance(item, (str, int)) or isinstance(item, bool)]
    if wrong:
        raise _MismatchError(f"enthält {type_name(wrong[0])} statt einer ID ({wrong[0]!r})")
    return [str(item) for item in items]


def _paths(value: Any, key: Key) -> list[str] | str:
    if isinstance(value, list):
        if not value:
            raise _MismatchError("ist eine leere Liste")
        return _texts(value, key)
    if not isinstance(value, str):
        raise _MismatchError(f"ist {type_name(value)}, kein Text")
    if not value.strip():
        raise _MismatchError("ist leer")
    return value


def _label(value: Any, key: Key) -> str | int:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise _MismatchError(f"ist {type_name(value)}, weder Text noch ganze Zahl")
    return value


def _date(value: Any, key: Key) -> str:
    if isinstance(value, (str, _dt.date, _dt.time)):
        return value if isinstance(value, str) else value.isoformat()
    raise _MismatchError(f"ist {type_name(value)}, kein Text")


def _year(value: Any, key: Key) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or isinstance(value, bool):
        raise _MismatchError(f"ist {type_name(value)}, keine Jahreszahl")
    return int(_in_range(value, key))


def _attribute_value(value: Any) -> bool:
    """A value an attribute filter can compare with: text or a finite number."""
    return isinstance(value, str) or (_is_number(value) and math.isfinite(value))


def _table_of(check: Callable[[str, Any], bool], what: str) -> Callable[[Any, Key], dict]:
    def table(value: Any, key: Key) -> dict:
        if not isinstance(value, dict):
            raise _MismatchError(f"ist {type_name(value)}, keine Tabelle {{ … = … }}")
        wrong = [(k, v) for k, v in value.items() if not check(k, v)]
        if wrong:
            raise _MismatchError(f"ordnet '{wrong[0][0]}' {type_name(wrong[0][1])} zu statt {what}")
        return dict(value)
    return table


_CHECKS: dict[str, Callable[[Any, Key], Any]] = {
    "text": _text, "separator": _separator, "integer": _integer, "number": _number,
    "bool": _bool, "choice": _choice, "texts": _texts, "ids": _ids, "paths": _paths,
    "label": _label, "date": _date, "year": _year,
    "text_table": _table_of(lambda k, v: isinstance(v, str), "Text"),
    # only the address may be joined from several columns (a list)
    "columns": _table_of(lambda k, v: isinstance(v, str) or (
        k == "address" and isinstance(v, list) and all(isinstance(i, str) for i in v)),
        "einem Spaltennamen (Text)"),
    "filter": _table_of(lambda k, v: _attribute_value(v) or (
        isinstance(v, list) and all(_attribute_value(i) for i in v)),
        "einem Wert (Text oder Zahl) oder einer Liste von Werten"),
}


def check_value(value: Any, key: Key) -> Any:
    """The value in its normalised form (a text as a one-item list where a list is expected).

    Raises
    ------
    ValueError
        With a German text saying what is wrong ("ist Text, keine Zahl").

    Examples
    --------
    >>> check_value(1500, SECTIONS["indicators"]["catchment_m"])
    1500.0
    >>> check_value("a", SECTIONS["study"]["attribution"])
    ['a']
    """
    return _CHECKS[key.kind](value, key)


def _shown(value: Any) -> str:
    text = repr(value) if not isinstance(value, bool) else str(value).lower()
    return text if len(text) <= 60 else text[:57] + "…"


# --- unknown keys -------------------------------------------------------------------------

def closest(word: str, known: Iterable[str], cutoff: float = 0.6) -> list[str]:
    """The known words nearest to ``word`` (at most three), compared without case.

    Examples
    --------
    >>> closest("Catchment", ["catchment_m", "min_population"])
    ['catchment_m']
    """
    by_lower: dict[str, str] = {}
    for item in known:
        by_lower.setdefault(str(item).lower(), str(item))
    hits = difflib.get_close_matches(str(word).lower(), list(by_lower), n=3, cutoff=cutoff)
    return [by_lower[h] for h in hits]


def _suggestions(word: str, known: Iterable[str], cutoff: float = 0.6) -> list[str]:
    """Known keys near ``word`` in spelling, led by the contract name of a German word."""
    known = list(known)
    near = closest(word, known, cutoff)
    german = GERMAN_NAMES.get(_plain(word))
    return [german, *[n for n in near if n != german]] if german in known else near


def _did_you_mean(word: str, known: Iterable[str], cutoff: float = 0.6) -> str:
    near = _suggestions(word, known, cutoff)
    return ("Meinten Sie " + " oder ".join(f"'{n}'" for n in near) + "? ") if near else ""


def report_unknown(unknown: Iterable[str], known: Iterable[str], where: str,
                   report: ValidationReport, *, dataset: str, file: str,
                   what: str = "Eintrag") -> None:
    """One warning per unknown key, with the nearest known keys and the list of known ones."""
    known = sorted(known)
    for key in unknown:
        report.add("warning", "unknown_key", dataset,
                   f"Unbekannter {what} '{key}' in {where} wird ignoriert.",
                   _did_you_mean(key, known) + "Bekannt sind: " + ", ".join(known) + ".",
                   file=file)


def subsections(section: str) -> list[str]:
    """Names of the direct sub-sections of ``section`` (``population`` → grid, quarters)."""
    prefix = section + "."
    return [name[len(prefix):] for name in SECTIONS
            if name.startswith(prefix) and "." not in name[len(prefix):]]


def check_table(values: dict[str, Any], section: str, report: ValidationReport, *,
                file: str, dataset: str = "config", label: str | None = None) -> dict[str, Any]:
    """Check the keys of one section against :data:`SECTIONS`.

    Parameters
    ----------
    values : dict
        The section as read from TOML.
    section : str
        Its name in :data:`SECTIONS` (``"indicators"``, ``"facilities"`` …).
    report : ValidationReport
        Where errors (wrong type or range) and warnings (unknown keys) go.
    file : str
        The config file, named in every finding.
    dataset, label : str
        Dataset of the findings and the section as the user reads it (``facilities[2]``).

    Returns
    -------
    dict
        The section with every valid value normalised and every invalid value left out (so
        defaults apply); sub-sections and unknown keys are passed through unchanged.
    """
    keys = SECTIONS[section]
    label = label or section
    where = f"[{label}]"
    children = subsections(section)
    checked: dict[str, Any] = {}
    unknown = []
    for name, value in values.items():
        if name in children:
            checked[name] = value
            continue
        key = keys.get(name)
        if key is None:
            unknown.append(name)
            checked[name] = value
            continue
        try:
            checked[name] = check_value(value, key)
        except _MismatchError as problem:
            report.add("error", "bad_value", dataset,
                       f"{where} {name} = {_shown(value)} {problem}.",
                       f"Erwartet wird: {key.description}, z. B. {name} = {key.example}.",
                       file=file)
    report_unknown(unknown, [*keys, *children], where, report, dataset=dataset, file=file)
    return checked


def check_columns(columns: dict[str, Any], section: str, report: ValidationReport, *,
                  file: str, dataset: str) -> None:
    """Warn about contract names in a column mapping that the dataset does not know.

    In datasets that keep further columns under the mapped name (:data:`OPEN_COLUMN_MAPPINGS`)
    only a key close to a contract name is reported (``quarter_idd``); elsewhere every unknown
    key is, with the nearest contract names.
    """
    contracts = COLUMN_CONTRACTS.get(section)
    if contracts is None:
        return
    allow_bands = section in _WITH_AGE_BANDS
    where = f"der Spaltenzuordnung (columns) von [{dataset}]"
    for name in columns:
        if name in contracts or (allow_bands and _AGE_BAND.match(name)):
            continue
        if section in OPEN_COLUMN_MAPPINGS:
            near = _suggestions(name, contracts, cutoff=0.8)
            if near:
                report.add("warning", "unknown_key", dataset,
                           f"'{name}' in {where} ist kein bekannter Name; die Spalte wird "
                           f"unter diesem Namen übernommen.",
                           f"Meinten Sie '{near[0]}'? Bekannt sind: "
                           + ", ".join(contracts) + ".", file=file)
            continue
        hint = _did_you_mean(name, contracts) + "Bekannt sind: " + ", ".join(contracts)
        if allow_bands:
            hint += " und Altersgruppen wie age_0_5, age_80_plus"
        report.add("warning", "unknown_key", dataset,
                   f"Unbekannter Name '{name}' in {where} wird ignoriert.", hint + ".", file=file)
