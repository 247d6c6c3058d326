"""The six action fields (Handlungsfelder) of a Sozialraumanalyse.

Every facility category, measure and network partner belongs to one of six action fields. Code
uses stable English keys; reports show German (default) or English labels. :data:`FIELDS` lists
the keys in report order.

Examples
--------
>>> from quartier.fields import FIELDS, field_label
>>> FIELDS[0]
'housing'
>>> field_label("everyday_help")
'Alltagshilfen'
>>> field_label("everyday_help", "en")
'Everyday help'
"""

from __future__ import annotations

from types import MappingProxyType

__all__ = ["FIELDS", "LANGUAGES", "field_label", "field_labels", "field_key"]

#: The keys of the six action fields, in report order.
FIELDS: tuple[str, ...] = (
    "housing",
    "environment",
    "social_infrastructure",
    "counselling",
    "everyday_help",
    "health_care",
)

#: Languages for which labels exist.
LANGUAGES: tuple[str, ...] = ("de", "en")

_LABELS = MappingProxyType({
    "de": MappingProxyType({
        "housing": "Wohnen",
        "environment": "Wohnumfeld",
        "social_infrastructure": "Soziale Infrastruktur",
        "counselling": "Beratungsstruktur",
        "everyday_help": "Alltagshilfen",
        "health_care": "Gesundheit und Pflege",
    }),
    "en": MappingProxyType({
        "housing": "Housing",
        "environment": "Residential environment",
        "social_infrastructure": "Social infrastructure",
        "counselling": "Counselling",
        "everyday_help": "Everyday help",
        "health_care": "Health and care",
    }),
})


def _check_language(language: str) -> None:
    if language not in LANGUAGES:
        raise ValueError(f"Unknown language {language!r}; allowed: {', '.join(LANGUAGES)}.")


def field_label(key: str, language: str = "de") -> str:
    """The label of one action field.

    Parameters
    ----------
    key : str
        One of :data:`FIELDS`.
    language : {"de", "en"}, default "de"
        Label language.

    Returns
    -------
    str
        The label, e.g. ``"Beratungsstruktur"`` for ``"counselling"``.

    Raises
    ------
    ValueError
        If ``key`` is not a field key or ``language`` is not supported; the message names the
        allowed values.

    Examples
    --------
    >>> field_label("health_care")
    'Gesundheit und Pflege'
    >>> field_label("environment", language="en")
    'Residential environment'
    """
    _check_language(language)
    if key not in FIELDS:
        raise ValueError(f"Unknown action field {key!r}; allowed: {', '.join(FIELDS)}.")
    return _LABELS[language][key]


def field_labels(language: str = "de") -> dict[str, str]:
    """All field labels as ``{key: label}`` in report order.

    Parameters
    ----------
    language : {"de", "en"}, default "de"
        Label language.

    Returns
    -------
    dict of str to str
        A new dictionary (changing it does not change the labels).

    Examples
    --------
    >>> list(field_labels("en").values())[:2]
    ['Housing', 'Residential environment']
    """
    _check_language(language)
    return {key: _LABELS[language][key] for key in FIELDS}


def field_key(text: str) -> str:
    """The field key for a key or a German/English label, as users write it in tables.

    Matching ignores case and surrounding whitespace, so ``"Wohnumfeld"``, ``"wohnumfeld"``,
    ``"Residential environment"`` and ``"environment"`` all give ``"environment"``.

    Parameters
    ----------
    text : str
        A field key or label.

    Returns
    -------
    str
        One of :data:`FIELDS`.

    Raises
    ------
    ValueError
        If the text names no field; the message lists the allowed keys.

    Examples
    --------
    >>> field_key(" Gesundheit und Pflege ")
    'health_care'
    >>> field_key("COUNSELLING")
    'counselling'
    """
    wanted = str(text).strip().casefold()
    for key in FIELDS:
        if wanted == key or any(wanted == _LABELS[lang][key].casefold() for lang in LANGUAGES):
            return key
    raise ValueError(f"Unknown action field {text!r}; allowed: {', '.join(FIELDS)}.")
