"""How the report prints one indicator value (the decimals of each indicator)."""

from __future__ import annotations

import math

from quartier.format import format_number, format_percent

__all__ = ["format_indicator"]


def format_indicator(value: float, indicator: str, language: str = "de") -> str:
    """Format one indicator value the way the report prints it.

    Examples
    --------
    >>> format_indicator(12.345, "coverage")
    '12,3\\xa0%'
    >>> format_indicator(0.6215, "fca_access"), format_indicator(751.3, "fca_access")
    ('0,62', '751')
    >>> format_indicator(1234.0, "median_distance", "en")
    '1,234 m'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if indicator == "coverage":
        return format_percent(value, 1, language)
    if indicator == "median_distance":
        return f"{format_number(value, 0, language)} m"
    if indicator in ("status_index", "dynamics_index"):
        return format_number(value, 2, language)
    if indicator in ("supply_rate", "fca_access"):
        size = abs(value)
        return format_number(value, 2 if size < 10 else 1 if size < 100 else 0, language)
    return format_number(value, 0, language)
