"""Number and date formatting for readers (German by default), built on Babel."""

from __future__ import annotations

import datetime as _dt
import hashlib
import math
import re
import string
import unicodedata
from collections import Counter
from collections.abc import Iterable
from decimal import Decimal
from functools import lru_cache

from babel.dates import format_date as _babel_date
from babel.numbers import (
    format_decimal,
    get_decimal_symbol,
    get_group_symbol,
)

__all__ = ["format_number", "format_percent", "format_date", "plural", "counted",
           "CountedText", "counted_text", "ascii_text", "slug", "unique_slugs",
           "WINDOWS_RESERVED", "MAX_SLUG", "LOCALES", "MINUS"]

LOCALES = {"de": "de_DE", "en": "en_GB"}


#: The minus sign of every number shown to readers (U+2212, as wide as "+"), in both languages.
MINUS = "\u2212"


@lru_cache(maxsize=8)
def _separators(language: str) -> dict[int, str]:
    """Translation table from Python's ``1,234.5`` to the language's separators (CLDR), with
    the typographic minus :data:`MINUS` instead of CLDR's hyphen-minus.
    """
    locale = LOCALES[language]
    return str.maketrans({",": get_group_symbol(locale), ".": get_decimal_symbol(locale),
                          "-": MINUS})


def format_number(value: float | int | None, decimals: int = 0, language: str = "de") -> str:
    """Format a number with the reader's separators and the minus sign U+2212.

    A negative number that rounds to zero is shown as zero, without a sign.

    Examples
    --------
    >>> format_number(1234.5, 1)
    '1.234,5'
    >>> format_number(1234.5, 1, "en")
    '1,234.5'
    >>> format_number(-0.4, 1) == "\u22120,4", format_number(-0.004, 2)
    (True, '0,00')
    >>> format_number(float("nan"))
    '–'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, float) and math.isinf(value):
        return format_decimal(value, locale=LOCALES[language]).replace("-", MINUS)
    # Same digits as babel's format_decimal with the pattern "#,##0.00…" (decimal rounding
    # half to even of the shortest repr), about 20 times faster: a report prints 100,000+
    # numbers. tests/test_format.py compares both on random values.
    number = Decimal(value) if isinstance(value, int) else Decimal(str(float(value)))
    text = f"{number:,.{max(decimals, 0)}f}"
    if text.startswith("-") and not text.strip("-0.,"):
        text = text[1:]  # "-0.00": a negative number that rounds to zero
    return text.translate(_separators(language))


def format_percent(value: float | None, decimals: int = 1, language: str = "de") -> str:
    """Format a value given in percent (12.5 → ``12,5 %``; English ``12.5%``).

    Examples
    --------
    German puts a non-breaking space before the sign:

    >>> format_percent(12.5), format_percent(12.5, language="en"), format_percent(3, 0)
    ('12,5\\xa0%', '12.5%', '3\\xa0%')
    """
    text = format_number(value, decimals, language)
    if text == "–":
        return text
    return f"{text}\u00a0%" if language == "de" else f"{text}%"


def format_date(value: _dt.date, language: str = "de") -> str:
    """Format a date: ``21.11.2026`` in German, ``21 Nov 2026`` in English."""
    return _babel_date(value, format="dd.MM.yyyy" if language == "de" else "d MMM yyyy",
                       locale=LOCALES[language])


def _is_one(n: object) -> bool:
    """Whether a count, given as a number or as already formatted text, is exactly one."""
    if isinstance(n, str):
        return n.replace("\u00a0", " ").strip() in ("1", "+1")
    try:
        return float(n) == 1  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def plural(n: object, one: str, many: str, language: str = "de") -> str:
    """The form of a noun (or phrase) that goes with the count ``n``.

    Parameters
    ----------
    n : int, float or str
        The count, as a number or as text formatted by :func:`format_number` (``"1"``,
        ``"1.234"``).
    one, many : str
        Singular and plural form (``"Lücke"``, ``"Lücken"``).
    language : {"de", "en"}
        German and English both use the singular for exactly one and the plural otherwise,
        zero included (``0 Lücken``, ``0 gaps``).

    Examples
    --------
    >>> plural(1, "Lücke", "Lücken"), plural(0, "Lücke", "Lücken"), plural("2", "gap", "gaps", "en")
    ('Lücke', 'Lücken', 'gaps')
    """
    if language not in LOCALES:
        raise ValueError(f"Unknown language {language!r}; allowed: {', '.join(LOCALES)}.")
    return one if _is_one(n) else many


def counted(n: object, one: str, many: str, language: str = "de") -> str:
    """The count with the matching form: ``counted(1, "Lücke", "Lücken")`` → ``'1 Lücke'``.

    A number is formatted with :func:`format_number` (whole numbers), text is used as it is.

    Examples
    --------
    >>> counted(1, "Lücke", "Lücken"), counted(1234, "Lücke", "Lücken")
    ('1 Lücke', '1.234 Lücken')
    >>> counted("1", "quarter", "quarters", "en")
    '1 quarter'
    """
    text = n if isinstance(n, str) else format_number(n, 0, language)  # type: ignore[arg-type]
    return f"{text} {plural(n, one, many, language)}"


class _CountedFormatter(string.Formatter):
    """``str.format`` plus the field spec ``{n:Lücke|Lücken}`` → :func:`counted`."""

    def __init__(self, language: str) -> None:
        self.language = language

    def format_field(self, value: object, format_spec: str) -> str:
        if "|" in format_spec:
            one, many = format_spec.split("|", 1)
            return counted(value, one, many, self.language)
        return super().format_field(value, format_spec)


_FORMATTERS = {language: _CountedFormatter(language) for language in LOCALES}


class CountedText(str):
    """A text whose :meth:`format` understands ``{n:singular|plural}``.

    The fixed texts of the report are stored as such strings where a number meets a noun,
    so every caller's ``text["key"].format(n=…)`` (Python or a Jinja template) gets the
    right form: ``"{n:Lücke|Lücken}"`` gives ``1 Lücke`` and ``2 Lücken``. Fields without
    ``|`` are formatted as by :meth:`str.format`.

    Examples
    --------
    >>> CountedText("{n:Quartier|Quartiere}", "de").format(n="1")
    '1 Quartier'
    """

    language: str

    def __new__(cls, text: str, language: str = "de") -> CountedText:
        """The text `text`, its counted words formatted in `language`."""
        obj = super().__new__(cls, text)
        obj.language = language
        return obj

    def format(self, *args: object, **kwargs: object) -> str:
        """The text with its fields filled in, counted words in the number's form."""
        return _FORMATTERS[self.language].vformat(str(self), args, kwargs)


_COUNTED_FIELD = re.compile(r"\{\w*:[^{}|]*\|[^{}]*\}")


def counted_text(text: str, language: str = "de") -> str:
    """``text`` as a :class:`CountedText` when it holds a ``{n:singular|plural}`` field."""
    return CountedText(text, language) if _COUNTED_FIELD.search(text) else text


_TRANSLITERATION = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe",
                                  "Ü": "Ue", "ß": "ss"})


def ascii_text(text: str) -> str:
    """Text with German umlauts transliterated (``ä`` → ``ae``) and other accents dropped."""
    decomposed = unicodedata.normalize("NFKD", str(text).translate(_TRANSLITERATION))
    return decomposed.encode("ascii", "ignore").decode("ascii")


#: Device names that Windows reserves whatever the extension (``nul.html`` is the device).
WINDOWS_RESERVED = frozenset({"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
                              *(f"lpt{i}" for i in range(10))})

#: Longest slug: a file name stays short enough for Windows paths and zip archives.
MAX_SLUG = 64


def slug(name: str, default: str = "studie", max_length: int = MAX_SLUG) -> str:
    """A file-name-safe, lower-case ASCII slug: the only way a name becomes part of a path.

    Study names, edition labels, quarter ids and category keys pass through here before they
    are used as a folder or file name (report folder, profile pages, export files, edition
    store, internal register).

    Parameters
    ----------
    name : str
        Any text, also hostile (``"../x"``, control characters, ``"NUL"``).
    default : str
        Returned when nothing usable is left (e.g. ``"../"``).
    max_length : int
        Longest result; a longer slug is cut and ends in 8 hex digits of a hash of ``name``,
        so distinct long names stay distinct.

    Returns
    -------
    str
        Only ``a``–``z``, ``0``–``9``, ``-`` and ``_``; never empty, never ``.`` or ``..``,
        never a path separator, never a Windows device name (``con`` becomes ``con_``).

    Notes
    -----
    Umlauts are transliterated (``ä`` → ``ae``), other accents dropped; every run of other
    characters becomes one ``-``; leading and trailing ``-``/``_`` are removed; the result is
    lower case, so names differing only in case share a slug (as on Windows and macOS file
    systems). Distinct names can share a slug: :func:`unique_slugs` separates them.

    Examples
    --------
    >>> slug("Musterstadt")
    'musterstadt'
    >>> slug("Bad Dürkheim / Süd")
    'bad-duerkheim-sued'
    >>> slug("../../etc/passwd")
    'etc-passwd'
    >>> slug("NUL")
    'nul_'
    >>> slug("..", default="quartier")
    'quartier'
    """
    text = re.sub(r"[^A-Za-z0-9_-]+", "-", ascii_text(name).strip()).strip("-_").lower()
    text = re.sub(r"-{2,}", "-", text)
    if len(text) > max_length:
        digest = hashlib.sha1(str(name).encode("utf-8", "surrogatepass")).hexdigest()[:8]
        text = f"{text[:max_length - 9].rstrip('-_')}-{digest}"
    text = text or default
    return f"{text}_" if text in WINDOWS_RESERVED else text


def unique_slugs(names: Iterable[object], default: str = "studie") -> dict[str, str]:
    """A distinct :func:`slug` for each distinct name (e.g. quarter ids → profile pages).

    A name that is its own slug keeps it; other names whose slug is shared get ``-`` and 8 hex
    digits of a hash of the name appended. The suffix depends only on the name, so a quarter
    keeps its file name from edition to edition.

    Parameters
    ----------
    names : iterable
        Names (converted with ``str``); duplicates are listed once.
    default : str
        See :func:`slug`.

    Returns
    -------
    dict of str to str
        Name → slug, all slugs distinct.

    Examples
    --------
    >>> pages = unique_slugs(["01", "01/", "A", "a"])
    >>> pages["01"], pages["a"], len(set(pages.values()))
    ('01', 'a', 4)
    """
    texts = list(dict.fromkeys(str(n) for n in names))
    plain = {n: slug(n, default) for n in texts}
    shared = Counter(plain.values())
    result = {n: s if shared[s] == 1 or n == s else _suffixed(s, n) for n, s in plain.items()}
    taken: set[str] = set()
    for name in texts:  # a suffixed slug equal to another name's slug: practically never
        number, candidate = 2, result[name]
        while candidate in taken:
            candidate, number = f"{result[name]}-{number}", number + 1
        result[name] = candidate
        taken.add(candidate)
    return result


def _suffixed(text: str, name: str) -> str:
    digest = hashlib.sha1(name.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{text[:MAX_SLUG - 9].rstrip('-_')}-{digest}"
