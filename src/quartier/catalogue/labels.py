"""Labels of categories, action fields per category and readable reference groups."""

from __future__ import annotations

import pandas as pd

from quartier.catalogue._cells import parse_reference_group
from quartier.fields import LANGUAGES


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


def category_field(catalogue: pd.DataFrame) -> dict[str, str]:
    """Map each category key to its action field.

    Examples
    --------
    >>> from quartier.catalogue import default_catalogue
    >>> category_field(default_catalogue())["food_bank"]
    'everyday_help'
    """
    return {str(k): str(v) for k, v in catalogue["field"].items()}


def category_labels(catalogue: pd.DataFrame, language: str = "de") -> dict[str, str]:
    """Map each category key to its label in ``language`` ("de" or "en").

    Examples
    --------
    >>> from quartier.catalogue import default_catalogue
    >>> category_labels(default_catalogue(), "en")["kita"]
    'Day-care centre (Kita)'
    """
    if language not in LANGUAGES:
        raise ValueError(f"Unknown language {language!r}; allowed: {', '.join(LANGUAGES)}.")
    return {str(k): str(v) for k, v in catalogue[f"label_{language}"].items()}
