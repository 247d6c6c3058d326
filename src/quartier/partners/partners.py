"""Network partners: who is active in which quarter and action field.

The register combines two sources: the ``actors`` table (possible partners the quarter manager
keeps, with contact people) and the operators (Träger) of the facilities in the register. An
organisation found in both (same name, ignoring case, spaces and punctuation) is one partner
with the fields and quarters of both.

Privacy: the register itself is internal (it holds contact people, e-mail addresses and phone
numbers). :func:`public_view` is what the report and its exports show: organisations with type,
fields and quarters; contact data only for rows marked public; an actor whose type says it is a
private person only when marked public.
"""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pandas as pd

from quartier.assign import assign_points
from quartier.fields import FIELDS
from quartier.indicators.edges import context_mask

__all__ = ["partner_register", "public_view", "partner_coverage", "missing_partners",
           "REGISTER_COLUMNS", "PUBLIC_COLUMNS", "CONTACT_COLUMNS", "NOT_AN_ORGANISATION"]

#: Columns of the register, in order (further internal columns of the actors table follow).
REGISTER_COLUMNS = ["partner_id", "organisation", "type", "source", "fields", "quarters",
                    "town_wide", "public", "facilities", "contact_person", "email", "phone"]
#: Columns of the public view.
PUBLIC_COLUMNS = ["organisation", "type", "source", "fields", "quarters", "town_wide",
                  "facilities", "contact_person", "email", "phone"]
#: Contact columns: filled in the public view only for rows marked public.
CONTACT_COLUMNS = ["contact_person", "email", "phone"]
#: Operator values that name no organisation (left out of the register).
NOT_AN_ORGANISATION = {"", "privat", "private", "privatperson", "unbekannt", "unknown", "-", "–",
                       "keine angabe", "k. a.", "nan", "none"}
_PERSON_TYPES = re.compile(r"person|privat|einzel|individual", re.IGNORECASE)
_CONTACT_PATTERNS = {
    "contact_person": re.compile(r"ansprech|kontaktperson|contact.?person|^person|^kontakt$",
                                 re.IGNORECASE),
    "email": re.compile(r"e-?mail|^mail", re.IGNORECASE),
    "phone": re.compile(r"telefon|^tel|phone|mobil|handy", re.IGNORECASE),
}
_SOURCE = {"actors": "Akteure", "operators": "Träger"}


def _key(name: str) -> str:
    """Name for matching: lower case, letters and digits only."""
    return re.sub(r"[\W_]+", "", str(name).casefold())


def _split(value: object) -> list[str]:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return []
    return [part for part in str(value).split(";") if part]


def _contact_columns(actors: pd.DataFrame) -> dict[str, str]:
    """Which column of the actors table holds the contact person, e-mail and phone."""
    found: dict[str, str] = {}
    for column in actors.columns:
        if column in ("actor_id", "name", "type", "fields", "quarter_id", "public"):
            continue
        for role, pattern in _CONTACT_PATTERNS.items():
            if role not in found and pattern.search(str(column)):
                found[role] = column
                break
    return found


def _operators(facilities: gpd.GeoDataFrame, quarters: gpd.GeoDataFrame | None) -> pd.DataFrame:
    """One row per facility operator: fields and quarters of its facilities.

    Context facilities (outside every quarter or from a ``context = true`` dataset) are left
    out: their operators work beyond the study area.
    """
    facilities = facilities[~context_mask(facilities)]
    table = facilities[["operator", "field", "name"]].copy()
    if "quarter_id" in facilities.columns:
        table["quarter_id"] = facilities["quarter_id"].to_numpy()
    elif quarters is not None and len(facilities):
        points = facilities if facilities.crs is None or quarters.crs is None or \
            facilities.crs.equals(quarters.crs) else facilities.to_crs(quarters.crs)
        table["quarter_id"] = assign_points(points, quarters).to_numpy()
    else:
        table["quarter_id"] = None
    operator = table["operator"].astype(object).where(table["operator"].notna(), "")
    table["operator"] = operator.map(lambda v: str(v).strip())
    table = table[~table["operator"].str.casefold().isin(NOT_AN_ORGANISATION)]
    table = table.sort_values("operator", kind="stable")
    names, starts, sizes = np.unique(table["operator"].to_numpy(dtype=object),
                                     return_index=True, return_counts=True)
    fields = table["field"].tolist()
    quarters = table["quarter_id"].tolist()
    result = pd.DataFrame({
        "organisation": names.tolist(),
        "type": "Träger",
        "fields": [fields[a:a + n] for a, n in zip(starts, sizes, strict=True)],
        "quarters": [[q for q in quarters[a:a + n] if isinstance(q, str)]
                     for a, n in zip(starts, sizes, strict=True)],
        "facilities": sizes.tolist()})
    return result[["organisation", "type", "fields", "quarters", "facilities"]]


def partner_register(actors: pd.DataFrame | None, facilities: gpd.GeoDataFrame | None = None,
                     quarters: gpd.GeoDataFrame | None = None) -> pd.DataFrame:
    """The register of network partners from the actors table and the facility operators.

    Parameters
    ----------
    actors : DataFrame or None
        The ``actors`` contract (``actor_id``, ``name``, ``type``, ``fields``, ``quarter_id``,
        ``public`` and further columns such as a contact person, e-mail and phone).
    facilities : GeoDataFrame, optional
        The ``facilities`` contract; each named operator (not ``privat``) becomes a partner
        active in the fields and quarters of its facilities.
    quarters : GeoDataFrame, optional
        To place facilities in quarters when they have no ``quarter_id`` column.

    Returns
    -------
    DataFrame
        :data:`REGISTER_COLUMNS`: ``fields`` and ``quarters`` as ``;``-separated keys and ids
        (``quarters`` empty and ``town_wide`` true for a partner active in the whole town),
        ``source`` ``Akteure``, ``Träger`` or ``Akteure; Träger``, ``facilities`` the number of
        facilities it runs, ``public`` from the actors table (operators only: true, since
        operators are named in the public facility register and have no contact data here),
        then the remaining columns of the actors table (internal).

    Notes
    -----
    An actor is town-wide when its ``quarter_id`` is empty. An operator is active in the
    quarters of its facilities; one with facilities in every quarter is not made town-wide.
    Matching actors and operators by name ignores case, spaces and punctuation only
    (``"Caritasverband Musterkreis e. V."`` = ``"Caritasverband Musterkreis e.V."``).

    Examples
    --------
    >>> import pandas as pd
    >>> actors = pd.DataFrame({"actor_id": ["A1", "A2"], "name": ["Tafel Nord", "Stadtamt"],
    ...                        "type": ["Verein", "Verwaltung"],
    ...                        "fields": ["everyday_help", "housing;counselling"],
    ...                        "quarter_id": ["01", None], "public": [True, True]})
    >>> register = partner_register(actors)
    >>> register[["organisation", "fields", "quarters", "town_wide", "source"]]
      organisation               fields quarters  town_wide   source
    0     Stadtamt  housing;counselling                True  Akteure
    1   Tafel Nord        everyday_help       01      False  Akteure
    """
    entries: dict[str, dict] = {}
    extra: list[str] = []
    if actors is not None and len(actors):
        contact = _contact_columns(actors)
        used = {"actor_id", "name", "type", "fields", "quarter_id", "public", *contact.values()}
        extra = [c for c in actors.columns if c not in used]
        for row in actors.to_dict("records"):
            quarter = row.get("quarter_id")
            quarter = None if quarter is None or (isinstance(quarter, float)
                                                  and np.isnan(quarter)) else str(quarter)
            key = _key(row["name"])
            entry = entries.setdefault(key, {
                "partner_id": str(row.get("actor_id") or ""), "organisation": str(row["name"]),
                "type": row.get("type") or "", "sources": {"actors"}, "fields": set(),
                "quarters": set(), "town_wide": False, "public": bool(row.get("public")),
                "facilities": 0,
                **{role: row.get(column) for role, column in contact.items()},
                **{c: row.get(c) for c in extra}})
            entry["fields"].update(_split(row.get("fields")))
            if quarter:
                entry["quarters"].add(quarter)
            else:
                entry["town_wide"] = True
            entry["public"] = entry["public"] and bool(row.get("public"))
    if facilities is not None and len(facilities):
        for row in _operators(facilities, quarters).to_dict("records"):
            key = _key(row["organisation"])
            entry = entries.setdefault(key, {
                "partner_id": "", "organisation": row["organisation"], "type": "Träger",
                "sources": set(), "fields": set(), "quarters": set(), "town_wide": False,
                "public": True, "facilities": 0})
            entry["sources"].add("operators")
            entry["fields"].update(row["fields"])
            entry["quarters"].update(row["quarters"])
            entry["facilities"] += row["facilities"]
    rows = []
    for entry in entries.values():
        entry = dict(entry)
        sources = entry.pop("sources")
        entry["source"] = "; ".join(_SOURCE[s] for s in ("actors", "operators") if s in sources)
        entry["fields"] = ";".join(f for f in FIELDS if f in entry["fields"])
        entry["quarters"] = ";".join(sorted(entry["quarters"]))
        rows.append(entry)
    register = pd.DataFrame(rows, columns=[*REGISTER_COLUMNS, *extra])
    numbered = register["partner_id"].fillna("").astype(str) == ""
    register.loc[numbered, "partner_id"] = [f"T{i + 1:02d}" for i in range(int(numbered.sum()))]
    register["facilities"] = register["facilities"].fillna(0).astype(int)
    register["town_wide"] = register["town_wide"].astype(bool)
    register["public"] = register["public"].astype(bool)
    return register.sort_values("organisation", key=lambda s: s.str.casefold(),
                                kind="stable").reset_index(drop=True)


def public_view(register: pd.DataFrame) -> pd.DataFrame:
    """What may be published of the register.

    Keeps only :data:`PUBLIC_COLUMNS` (never the internal columns of the actors table),
    empties the contact columns of every row not marked public and leaves out rows that stand
    for a private person (type containing "Person", "privat", "Einzel") unless marked public.

    Examples
    --------
    >>> register = pd.DataFrame({"organisation": ["Tafel e. V.", "Hilfe Nord"],
    ...     "type": ["Verein", "Initiative"], "source": "Akteure", "fields": "everyday_help",
    ...     "quarters": ["02", "03"], "town_wide": False, "public": [True, False],
    ...     "facilities": 0, "contact_person": ["A. Muster", "B. Beispiel"],
    ...     "email": ["a@example.org", "b@example.org"], "phone": ["1", "2"]})
    >>> public_view(register)["email"].tolist()
    ['a@example.org', '']
    """
    person = register["type"].fillna("").astype(str).str.contains(_PERSON_TYPES) & \
        ~register["public"].astype(bool)
    view = register.loc[~person].copy()
    for column in PUBLIC_COLUMNS:
        if column not in view.columns:
            view[column] = ""
    hide = ~view["public"].astype(bool)
    for column in CONTACT_COLUMNS:
        values = view[column].astype(object).where(view[column].notna(), "")
        view[column] = values.where(~hide, "")
    return view[PUBLIC_COLUMNS].reset_index(drop=True)


def partner_coverage(register: pd.DataFrame, quarter_ids: list[str]) -> pd.DataFrame:
    """Number of local partners per quarter and field.

    Returns
    -------
    DataFrame
        Rows ``quarter_ids``, columns :data:`~quartier.fields.FIELDS`: partners active in
        that quarter and field. Town-wide partners are not counted (they are listed apart).

    Examples
    --------
    >>> import pandas as pd
    >>> register = pd.DataFrame({"organisation": ["Tafel Nord", "Kirche"],
    ...                          "fields": ["everyday_help", "everyday_help;counselling"],
    ...                          "quarters": ["01", "01;02"], "town_wide": [False, False]})
    >>> partner_coverage(register, ["01", "02", "03"])[["everyday_help", "counselling"]]
    ... # doctest: +NORMALIZE_WHITESPACE
    field       everyday_help  counselling
    quarter_id
    01                      2            1
    02                      1            1
    03                      0            0
    """
    pairs = [(q, f) for quarters, fields in zip(register["quarters"], register["fields"],
                                               strict=True)
             for q in _split(quarters) for f in _split(fields)]
    frame = pd.DataFrame(pairs, columns=["quarter_id", "field"])
    table = pd.crosstab(frame["quarter_id"], frame["field"]) if len(frame) else pd.DataFrame()
    return table.reindex(index=quarter_ids, columns=list(FIELDS), fill_value=0).astype(int)


def missing_partners(register: pd.DataFrame, quarter_ids: list[str]) -> pd.DataFrame:
    """The fields of each quarter without any local partner.

    Returns
    -------
    DataFrame
        ``quarter_id``, ``field`` and ``town_wide`` (``;``-separated names of the town-wide
        partners of that field, who could step in), one row per quarter × field lacking a
        local partner, in quarter and field order.

    Examples
    --------
    >>> import pandas as pd
    >>> register = pd.DataFrame({"organisation": ["Kirche", "Stadtamt"],
    ...                          "fields": ["housing;environment;social_infrastructure;counselling;"
    ...                                     "everyday_help", "health_care"],
    ...                          "quarters": ["01", ""], "town_wide": [False, True]})
    >>> missing_partners(register, ["01"])
      quarter_id        field town_wide
    0         01  health_care  Stadtamt
    """
    coverage = partner_coverage(register, quarter_ids)
    town = register[register["town_wide"]]
    by_field = {f: "; ".join(town.loc[town["fields"].map(lambda v, f=f: f in _split(v)),
                                      "organisation"]) for f in FIELDS}
    rows = [{"quarter_id": q, "field": f, "town_wide": by_field[f]}
            for q in quarter_ids for f in FIELDS if coverage.at[q, f] == 0]
    return pd.DataFrame(rows, columns=["quarter_id", "field", "town_wide"])
