"""Number and date formatting for readers (German by default), built on Babel."""

from __future__ import annotations

import datetime as _dt
import math
import re
import unicodedata
from decimal import Decimal
from functools import lru_cache

from babel.dates import format_date as _babel_date
from babel.numbers import (
    format_decimal,
    get_decimal_symbol,
    get_group_symbol,
    get_minus_sign_symbol,
)

__all__ = ["format_number", "format_percent", "format_date", "ascii_text", "slug", "LOCALES"]

LOCALES = {"de": "de_DE", "en": "en_GB"}


@lru_cache(maxsize=8)
def _separators(language: str) -> dict[int, str]:
    """Translation table from Python's ``1,234.5`` to the language's separators (CLDR)."""
    locale = LOCALES[language]
    return str.maketrans({",": get_group_symbol(locale), ".": get_decimal_symbol(locale),
                          "-": get_minus_sign_symbol(locale)})


def format_number(value: float | int | None, decimals: int = 0, language: str = "de") -> str:
    """Format a number with the reader's separators.

    Examples
    --------
    >>> format_number(1234.5, 1)
    '1.234,5'
    >>> format_number(1234.5, 1, "en")
    '1,234.5'
    >>> format_number(float("nan"))
    '–'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, float) and math.isinf(value):
        return format_decimal(value, locale=LOCALES[language])
    # Same result as babel's format_decimal with the pattern "#,##0.00…" (decimal rounding
    # half to even of the shortest repr), about 20 times faster: a report prints 100,000+
    # numbers. tests/test_format.py compares both on random values.
    number = Decimal(value) if isinstance(value, int) else Decimal(str(float(value)))
    return f"{number:,.{max(decimals, 0)}f}".translate(_separators(language))


def format_percent(value: float | None, decimals: int = 1, language: str = "de") -> str:
    """Format a value given in percent (12.5 → ``12,5 %``; English ``12.5%``)."""
    text = format_number(value, decimals, language)
    if text == "–":
        return text
    return f"{text}\u00a0%" if language == "de" else f"{text}%"


def format_date(value: _dt.date, language: str = "de") -> str:
    """Format a date: ``21.11.2026`` in German, ``21 Nov 2026`` in English."""
    return _babel_date(value, format="dd.MM.yyyy" if language == "de" else "d MMM yyyy",
                       locale=LOCALES[language])


_TRANSLITERATION = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe",
                                  "Ü": "Ue", "ß": "ss"})


def ascii_text(text: str) -> str:
    """Text with German umlauts transliterated (``ä`` → ``ae``) and other accents dropped."""
    decomposed = unicodedata.normalize("NFKD", str(text).translate(_TRANSLITERATION))
    return decomposed.encode("ascii", "ignore").decode("ascii")


def slug(name: str) -> str:
    """A file-name-safe, lower-case ASCII slug (report folder, export files, edition store).

    Everything but letters, digits, ``-`` and ``_`` becomes ``-``; ``"studie"`` if nothing is
    left.

    Examples
    --------
    >>> slug("Musterstadt")
    'musterstadt'
    >>> slug("Bad Dürkheim / Süd")
    'bad-duerkheim-sued'
    """
    text = re.sub(r"[^A-Za-z0-9_-]+", "-", ascii_text(name).strip()).strip("-_").lower()
    return re.sub(r"-{2,}", "-", text) or "studie"
