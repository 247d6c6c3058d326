"""The vocabulary of judgements: the three kinds, their labels, colours and the size of a gap
in words.

A quarter × category is judged in one of three ways, never mixed (see ``results.gaps``):

1. against a **standard** (a Richtwert with a source): ``gap`` (Lücke), ``met`` (erfüllt),
   ``well_above`` (deutlich über Richtwert);
2. **relative to the town** where no standard exists: ``below_town`` (unter dem Stadtmittel),
   ``town_average`` (im Mittel), ``above_town`` (über dem Stadtmittel); the reference is the
   median of the quarters, never called Richtwert, and such a judgement is never a Lücke;
3. ``not_assessed`` (too few residents, no reference population, mostly non-residential).

Independently of these, a quarter can be a **Ressource** for a category (facilities located in
it serve more than its own need) or **gut versorgt durch Nachbarquartiere** (no facility of
its own, but good access from neighbouring quarters). Every table, map, export and text of
quartier takes its words and colours from here.
"""

from __future__ import annotations

import math

__all__ = ["STANDARD_STATUSES", "TOWN_STATUSES", "STATUS_ORDER", "MAP_COLOURS",
           "RESOURCE_COLOUR", "judgement_label", "judgement_kind", "reference_label",
           "resource_label", "served_label", "kind_label", "rounded_amount", "people_phrase",
           "need_text"]

STANDARD_STATUSES = ("gap", "met", "well_above")
TOWN_STATUSES = ("below_town", "town_average", "above_town")
#: Every status value, in legend order.
STATUS_ORDER = (*STANDARD_STATUSES, *TOWN_STATUSES, "not_assessed")

_LABELS = {
    "gap": ("Lücke", "Gap"),
    "met": ("erfüllt", "Standard met"),
    "well_above": ("deutlich über Richtwert", "Well above standard"),
    "below_town": ("unter dem Stadtmittel", "Below the town median"),
    "town_average": ("im Mittel", "Around the town median"),
    "above_town": ("über dem Stadtmittel", "Above the town median"),
    "not_assessed": ("nicht bewertet", "Not assessed"),
}
_KIND_LABELS = {
    "standard": ("Bewertung am Richtwert", "Judged against a standard"),
    "town": ("Vergleich mit dem Median der Quartiere (kein Richtwert)",
             "Compared with the median of the quarters (no standard)"),
    "not_assessed": ("nicht bewertet", "Not assessed"),
}

#: Map fills. Standard judgements: a traffic light (red – light green – dark green) whose
#: three colours also differ in lightness (readable with red–green colour-vision deficiency
#: and in greyscale). Town judgements: a neutral purple – grey – blue scheme that cannot be
#: read as a traffic light. Not assessed: white, drawn hatched.
MAP_COLOURS = {
    "gap": "#D73027", "met": "#A6D96A", "well_above": "#1A7837",
    "below_town": "#7B3294", "town_average": "#E7E1EF", "above_town": "#67A9CF",
    "not_assessed": "#FFFFFF",
}
#: Outline of a quarter that is a Ressource (a marker, never a fill).
RESOURCE_COLOUR = "#1A1A1A"


def _pick(pair: tuple[str, str], language: str) -> str:
    return pair[0] if language == "de" else pair[1]


def judgement_label(status: str, language: str = "de") -> str:
    """The reader's word for a status value; unknown values are returned unchanged.

    Examples
    --------
    >>> judgement_label("gap"), judgement_label("below_town")
    ('Lücke', 'unter dem Stadtmittel')
    >>> judgement_label("town_average", "en")
    'Around the town median'
    """
    return _pick(_LABELS[status], language) if status in _LABELS else str(status)


def judgement_kind(status: object) -> str:
    """``standard``, ``town``, ``not_assessed`` or ``none`` (no status / unknown value).

    Examples
    --------
    >>> judgement_kind("met"), judgement_kind("above_town"), judgement_kind(None)
    ('standard', 'town', 'none')
    """
    if status in STANDARD_STATUSES:
        return "standard"
    if status in TOWN_STATUSES:
        return "town"
    if status == "not_assessed":
        return "not_assessed"
    return "none"


def kind_label(kind: str, language: str = "de") -> str:
    """Label of a kind of judgement (``standard``, ``town``, ``not_assessed``)."""
    return _pick(_KIND_LABELS[kind], language)


def reference_label(basis: str, language: str = "de") -> str:
    """What a judged value is compared with: Richtwert (standard) or median of the quarters.

    Examples
    --------
    >>> reference_label("standard"), reference_label("town")
    ('Richtwert', 'Median der Quartiere')
    """
    if basis == "standard":
        return "Richtwert" if language == "de" else "Standard"
    if basis == "town":
        return "Median der Quartiere" if language == "de" else "Median of the quarters"
    return "–"


def resource_label(language: str = "de") -> str:
    """"Ressource" / "Resource"."""
    return "Ressource" if language == "de" else "Resource"


def served_label(language: str = "de") -> str:
    """"gut versorgt durch Nachbarquartiere" / "Well served from neighbouring quarters"."""
    return ("gut versorgt durch Nachbarquartiere" if language == "de"
            else "Well served from neighbouring quarters")


def rounded_amount(value: float) -> tuple[float, bool]:
    """A number as a planner quotes it, and whether it was rounded ("rund").

    Below 10 to one decimal (whole numbers stay whole), below 100 to 5, below 10,000 to 10,
    above to 100.

    Examples
    --------
    >>> rounded_amount(187.4), rounded_amount(1236.0), rounded_amount(3.0), rounded_amount(2.44)
    ((190.0, True), (1240.0, True), (3.0, False), (2.4, True))
    """
    size = abs(value)
    step = 0.1 if size < 10 else 5 if size < 100 else 10 if size < 10_000 else 100
    rounded = float(round(round(value / step) * step, 1))
    if size < 10 and float(value).is_integer():
        rounded = float(value)
    return rounded, not math.isclose(rounded, value, abs_tol=1e-9)


def people_phrase(reference_group: str, language: str = "de") -> str:
    """The people of a reference group in running text.

    Examples
    --------
    >>> people_phrase("65+"), people_phrase("0-5"), people_phrase("all")
    ('Menschen ab 65', 'Kinder von 0 bis 5 Jahren', 'Menschen')
    >>> people_phrase("80+", "en")
    'people aged 80 and over'
    """
    from quartier.catalogue import parse_reference_group

    try:
        start, end = parse_reference_group(reference_group)
    except ValueError:
        return "Menschen" if language == "de" else "people"
    if start == 0 and end is None:
        return "Menschen" if language == "de" else "people"
    if end is None:
        return f"Menschen ab {start}" if language == "de" else f"people aged {start} and over"
    if language == "de":
        who = "Kinder" if end < 14 else "Kinder und Jugendliche" if end < 18 else "Menschen"
        return f"{who} von {start} bis {end} Jahren"
    return f"{'children' if end < 18 else 'people'} aged {start}–{end}"


def need_text(*, unmet_people: float = math.nan, missing_places: float = math.nan,
              reference_group: str = "all", category: str = "", unit: str = "",
              distance_m: float = math.nan, language: str = "de") -> str:
    """The size of a gap in the words a planner quotes; empty when there is nothing to say.

    Parameters
    ----------
    unmet_people : float
        People of the reference group without access within the standard's distance.
    missing_places : float
        Places (or doctors) missing to reach a rate or demand standard.
    reference_group : str
        E.g. ``"65+"``; names the people.
    category : str
        The category's label, e.g. ``"Haltestelle"``.
    unit : str
        What a place is called (``"Plätze"``, ``"Ärzt*innen"``); default "Plätze".
    distance_m : float
        The standard's distance.

    Examples
    --------
    >>> need_text(missing_places=187.2, unit="Plätze")
    'es fehlen rund 190 Plätze'
    >>> need_text(unmet_people=1236, reference_group="65+", category="Haltestelle",
    ...           distance_m=300)
    'rund 1.240 Menschen ab 65 ohne Haltestelle in 300 m'
    >>> need_text(missing_places=1.0, unit="doctors", language="en")
    '1 doctors missing'
    """
    from quartier.format import format_number

    def amount(value: float) -> tuple[str, bool]:
        rounded, approximate = rounded_amount(value)
        decimals = 0 if float(rounded).is_integer() else 1
        return format_number(rounded, decimals, language), approximate

    about = "rund " if language == "de" else "about "
    if isinstance(unmet_people, (int, float)) and not math.isnan(unmet_people) \
            and unmet_people > 0:
        number, approximate = amount(unmet_people)
        where = (f" in {format_number(distance_m, 0, language)} m" if language == "de" else
                 f" within {format_number(distance_m, 0, language)} m") \
            if not math.isnan(distance_m) else ""
        what = category or ("Angebot" if language == "de" else "service")
        without = "ohne" if language == "de" else "without"
        return (f"{about if approximate else ''}{number} "
                f"{people_phrase(reference_group, language)} {without} {what}{where}")
    if isinstance(missing_places, (int, float)) and not math.isnan(missing_places) \
            and missing_places > 0:
        number, approximate = amount(missing_places)
        if language == "de":
            return (f"es fehlen {about if approximate else ''}{number} "
                    f"{unit or 'Plätze'}")
        return f"{about if approximate else ''}{number} {unit or 'places'} missing"
    return ""
