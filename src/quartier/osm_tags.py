"""The syntax of OpenStreetMap tag rules in the catalogue's ``osm_tags`` column.

A module of its own below :mod:`quartier.catalogue` (which checks the rules it reads) and
:mod:`quartier.osm` (which classifies features by them), so neither imports the other in a
circle. :func:`parse_tag_rules` is also available as ``quartier.osm.parse_tag_rules``.
"""

from __future__ import annotations

__all__ = ["ANY_VALUE", "parse_tag_rules"]

#: The value of a condition ``key=*``: the tag is present with any non-empty value.
ANY_VALUE = "*"


def parse_tag_rules(text: str) -> list[dict[str, str]]:
    """Parse the tag rules of one category.

    Parameters
    ----------
    text : str
        Rules in the catalogue's ``osm_tags`` syntax: alternatives separated by ``;``, the
        conditions of one alternative joined by ``&``, each condition ``key=value`` or
        ``key=*``. Whitespace around separators is ignored; empty text means no rules.

    Returns
    -------
    list of dict of str to str
        One dictionary per alternative, mapping tag key to wanted value (``"*"`` for any).

    Raises
    ------
    ValueError
        If a condition lacks ``=``, has an empty key or value, or a rule names the same key
        twice.

    Examples
    --------
    >>> parse_tag_rules("amenity=pharmacy; amenity=social_facility & social_facility=food_bank")
    [{'amenity': 'pharmacy'}, {'amenity': 'social_facility', 'social_facility': 'food_bank'}]
    >>> parse_tag_rules("")
    []
    """
    if text is None:
        return []
    if not isinstance(text, str):
        raise ValueError(f"OSM tag rules must be text, got {text!r}.")
    rules: list[dict[str, str]] = []
    for alternative in text.split(";"):
        if not alternative.strip():
            continue
        rule: dict[str, str] = {}
        for condition in alternative.split("&"):
            key, sep, value = condition.partition("=")
            key, value = key.strip(), value.strip()
            if not sep or not key or not value:
                raise ValueError(f"Invalid OSM tag condition {condition.strip()!r} in "
                                 f"{text!r}: write key=value or key=*.")
            if key in rule:
                raise ValueError(f"OSM tag rule {alternative.strip()!r} names the key {key!r} "
                                 "twice.")
            rule[key] = value
        rules.append(rule)
    return rules
