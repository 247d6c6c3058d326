"""The order of edition labels, shared by the comparison and the history of editions."""

from __future__ import annotations

__all__ = ["edition_sort_key"]


def edition_sort_key(label: str) -> tuple:
    """Order of edition labels: numbers by value (``"2024"`` < ``"2024.5"`` < ``"2025"``), then
    other labels alphabetically.

    Examples
    --------
    >>> sorted(["2025", "Entwurf", "2024.5", "2024"], key=edition_sort_key)
    ['2024', '2024.5', '2025', 'Entwurf']
    """
    return (0, float(label), label) if label.replace(".", "", 1).isdigit() else (1, 0, label)
