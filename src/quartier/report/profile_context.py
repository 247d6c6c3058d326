"""The working parts of the quarter profiles (Steckbriefe), as plain data.

Per quarter: named facilities per action field, named network partners (public view only, never
contact data), measures with status and budget, housing figures, raw social indicator values
by year, the topics of residents' concerns (protected counts only) and the links to find a
quarter (district groups, previous/next). Every text a reader sees comes from
:mod:`quartier.report.texts`.
"""

from __future__ import annotations

import math
import unicodedata

import numpy as np
import pandas as pd

from quartier.assign import assign_points
from quartier.fields import FIELDS, field_label
from quartier.format import format_number
from quartier.indicators.edges import context_mask
from quartier.partners.analysis import PartnerAnalysis, study_concerns, study_register
from quartier.partners.concerns import Protection
from quartier.partners.measures import status_label as measure_status_label
from quartier.partners.partners import public_view
from quartier.report.network_context import register_word
from quartier.report.texts import texts
from quartier.study import Study

__all__ = ["profile_parts", "column_label", "district_of", "quarter_groups",
           "neighbour_links", "search_text", "SOCIAL_YEARS"]

#: How many years of each social indicator a profile shows (the latest ones).
SOCIAL_YEARS = 4


def column_label(column: str, language: str = "de") -> str:
    """Reader's label of a data column (housing, social indicators).

    Known columns have a label in :mod:`quartier.report.texts` (``col_<name>``); others are
    shown as their name with spaces, a column ending in ``_anteil`` as a share in percent.

    Examples
    --------
    >>> column_label("leerstandsquote")
    'Leerstandsquote (%)'
    >>> column_label("kinder_anteil"), column_label("kinder_anteil", "en")
    ('Kinder (%)', 'Kinder (share, %)')
    """
    text = texts(language)
    known = text.get(f"col_{column}")
    if isinstance(known, str):
        return known
    name = str(column)
    share = name.endswith("_anteil")
    if share:
        name = name[: -len("_anteil")]
    name = name.replace("_", " ").strip()
    name = name[:1].upper() + name[1:]
    return f"{name} ({text['share_percent']})" if share else name


def _decimals(values: np.ndarray, most: int = 2) -> int:
    """Fewest decimals (up to ``most``) that show every value exactly."""
    finite = values[np.isfinite(values)]
    for decimals in range(most + 1):
        if np.allclose(finite, np.round(finite, decimals), atol=1e-9):
            return decimals
    return most


def district_of(quarter_ids: pd.Series, study: Study) -> pd.Series | None:
    """District key of each quarter from ``[quarters] district_from_id`` (leading digits).

    Returns None when the study configures no districts.

    Examples
    --------
    Berlin's planning area ``01100101`` lies in Bezirk ``01`` (``district_from_id = 2``).
    """
    width = study.config.quarters.get("district_from_id") if study.config.quarters else None
    if not width:
        return None
    return quarter_ids.astype(str).str[: int(width)]


def quarter_groups(quarters: pd.DataFrame, study: Study, language: str) -> list[dict]:
    """The quarters grouped by district (one group without a label when there are none).

    Each group: ``key``, ``label`` and ``quarters`` (``id``, ``name``, ``search``), in id
    order within the group; groups in key order.
    """
    text = texts(language)
    ids = quarters["quarter_id"].astype(str)
    districts = district_of(ids, study)
    quarters_block = study.config.quarters
    assert quarters_block is not None, "a Study exists only with its quarters"
    names = dict(quarters_block.get("district_names") or {}) if districts is not None else {}
    frame = pd.DataFrame({"id": ids.to_numpy(), "name": quarters["name"].to_numpy()})
    frame["district"] = districts.to_numpy() if districts is not None else ""
    groups = []
    for key, own in frame.sort_values(["district", "id"], kind="stable").groupby(
            "district", sort=True):
        label = ("" if not key else
                 text["district_named"].format(key=key, name=names[key]) if names.get(key)
                 else text["district_key"].format(key=key))
        groups.append({"key": key, "label": label,
                       "quarters": [{"id": q, "name": n, "search": search_text(q, n, label)}
                                    for q, n in zip(own["id"], own["name"], strict=True)]})
    return groups


def search_text(*parts: object) -> str:
    """Lower-case text without accents that the search box compares with.

    Examples
    --------
    >>> search_text("01100101", "Stülerstraße", "Bezirk 01 Mitte")
    '01100101 stulerstrasse bezirk 01 mitte'
    """
    joined = " ".join(str(p) for p in parts if p is not None and str(p))
    folded = unicodedata.normalize("NFKD", joined.casefold())
    return "".join(ch for ch in folded if not unicodedata.combining(ch))


def neighbour_links(groups: list[dict]) -> dict[str, dict]:
    """Previous and next quarter of each quarter in the order of the groups.

    Returns ``{id: {"prev": {"id", "name"} or None, "next": …}}``.
    """
    order = [q for g in groups for q in g["quarters"]]
    links = {}
    for position, q in enumerate(order):
        before = order[position - 1] if position > 0 else None
        after = order[position + 1] if position + 1 < len(order) else None
        links[q["id"]] = {"prev": {"id": before["id"], "name": before["name"]} if before else None,
                          "next": {"id": after["id"], "name": after["name"]} if after else None}
    return links


def profile_parts(study: Study, quarter_ids: list[str], labels: dict[str, str],
                  language: str, *, maps: bool = False,
                  partners: PartnerAnalysis | None = None) -> dict[str, dict]:
    """Per quarter the profile's working parts as plain data.

    Parameters
    ----------
    study : Study
    quarter_ids : list of str
    labels : dict
        Category key → label in ``language``.
    language : {"de", "en"}
    maps : bool
        Draw the small SVG map of each quarter (:func:`quartier.maps.quarter_maps.quarter_maps`).
    partners : PartnerAnalysis, optional
        The register and protected concerns computed once for the report
        (:func:`quartier.partners.analysis.analyse_partners`); computed here when missing.

    Returns
    -------
    dict
        By quarter id: ``facilities`` (per field: ``label``, ``rows`` with name, category,
        capacity), ``partners``, ``measures``, ``housing``, ``social`` (``years`` and
        ``rows``), ``concerns`` (``total`` and ``topics``), ``map`` and ``map_fields``.
    """
    text = texts(language)
    parts: dict[str, dict] = {q: {} for q in quarter_ids}
    _facilities(study, labels, language, parts)
    _partners(partners.register if partners is not None else study_register(study), language,
              parts)
    _measures(study, language, text, parts)
    _housing(study, language, parts)
    _social(study, language, parts)
    _concerns(partners.concerns if partners is not None else study_concerns(study), language,
              parts)
    if maps:
        from quartier.maps.quarter_maps import quarter_maps

        titles = {q: text["profile_map_title"].format(name=n) for q, n in zip(
            study.quarters["quarter_id"], study.quarters["name"], strict=True)}
        drawn = quarter_maps(study.quarters, study.facilities, titles=titles)
        for q in quarter_ids:
            own = drawn.get(q)
            parts[q]["map"] = own.svg if own is not None else ""
            parts[q]["map_fields"] = ([{"key": f, "label": field_label(f, language)}
                                       for f in own.fields] if own is not None else [])
    return parts


def _facilities(study: Study, labels: dict[str, str], language: str,
                parts: dict[str, dict]) -> None:
    facilities = study.facilities
    for p in parts.values():
        p["facilities"] = []
    if facilities is None or not len(facilities):
        return
    own = facilities[~context_mask(facilities)]
    points = own.to_crs(study.quarters.crs) if own.crs is not None and not own.crs.equals(
        study.quarters.crs) else own
    quarter = assign_points(points, study.quarters)
    units = study.catalogue[f"capacity_unit_{language}"].to_dict() \
        if f"capacity_unit_{language}" in study.catalogue else {}
    table = pd.DataFrame({
        "quarter_id": quarter.to_numpy(), "field": own["field"].to_numpy(),
        "category": own["category"].to_numpy(),
        "name": own["name"].to_numpy() if "name" in own else None,
        "capacity": (pd.to_numeric(own["capacity"], errors="coerce").to_numpy()
                     if "capacity" in own else np.nan)})
    table = table[table["quarter_id"].isin(list(parts))]
    table["label"] = table["category"].map(lambda c: labels.get(c, c))
    table = table.sort_values(["quarter_id", "label", "name"], key=lambda s: s.astype(
        str).str.casefold(), kind="stable")
    unit = table["category"].map(lambda c: units.get(c) if isinstance(units.get(c), str)
                                 else "")
    table["capacity"] = [("" if pd.isna(v) else f"{format_number(v, 0, language)} {u}".strip())
                         for v, u in zip(table["capacity"], unit, strict=True)]
    named = table["name"].map(lambda v: isinstance(v, str) and bool(v))
    table["name"] = table["name"].where(named, table["label"])
    groups: dict[tuple[str, str], list[dict]] = {}
    for q, field, name, label, capacity in zip(table["quarter_id"], table["field"],
                                                table["name"], table["label"],
                                                table["capacity"], strict=True):
        groups.setdefault((q, field), []).append({"name": name, "category": label,
                                                  "capacity": capacity})
    for (q, field), items in groups.items():
        parts[q]["facilities"].append({"key": field, "items": items,
                                       "label": field_label(field, language)
                                       if field in FIELDS else str(field)})
    order = {f: i for i, f in enumerate(FIELDS)}
    for p in parts.values():
        p["facilities"].sort(key=lambda f: order.get(f["key"], len(order)))


def _split(value: object) -> list[str]:
    return [v for v in str(value or "").split(";") if v and v != "None"]


def _fields_text(value: object, language: str) -> str:
    return ", ".join(field_label(f, language) for f in _split(value) if f in FIELDS)


def _partners(register: pd.DataFrame | None, language: str, parts: dict[str, dict]) -> None:
    for p in parts.values():
        p["partners"] = []
        p["partners_town"] = 0
    if register is None or not len(register):
        return
    view = public_view(register)  # never any contact column below: names, types, fields
    for r in view.itertuples():
        row = {"organisation": r.organisation, "type": register_word(r.type, language),
               "fields": _fields_text(r.fields, language) or "–"}
        for q in _split(r.quarters):
            if q in parts:
                parts[q]["partners"].append(row)
    town = int(view["town_wide"].astype(bool).sum())
    for p in parts.values():
        p["partners_town"] = town


def _money(value: float, language: str) -> str:
    return "–" if pd.isna(value) else f"{format_number(value, 0, language)} €"


def _measures(study: Study, language: str, text: dict, parts: dict[str, dict]) -> None:
    for p in parts.values():
        p["measures"] = []
    measures = study.measures
    if measures is None or not len(measures):
        return

    def date_text(value: object) -> str:
        return pd.Timestamp(value).strftime("%m/%Y") if not pd.isna(value) else "–"

    for r in measures.itertuples():
        status = r.status if isinstance(r.status, str) else ""
        row = {"id": r.measure_id, "title": r.title,
               "field": field_label(r.field, language) if r.field in FIELDS else "–",
               "status": measure_status_label(status, language) if status else "–",
               "status_key": status or "none",
               "planned": _money(r.budget_planned, language),
               "spent": _money(r.budget_spent, language),
               "period": f"{date_text(r.start)}–{date_text(r.end)}"}
        for q in _split(r.quarter_id):
            if q in parts:
                parts[q]["measures"].append(row)


def _housing(study: Study, language: str, parts: dict[str, dict]) -> None:
    for p in parts.values():
        p["housing"] = []
    housing = study.housing
    if housing is None or not len(housing):
        return
    columns = [c for c in housing.columns if c not in ("quarter_id", "name")
               and pd.api.types.is_numeric_dtype(housing[c])]
    table = housing.drop_duplicates("quarter_id").set_index("quarter_id")
    for column in columns:
        values = table[column].astype(float)
        decimals = _decimals(values.to_numpy())
        median = values.median()
        label = column_label(column, language)
        for q in parts:
            value = values.get(q, np.nan)
            parts[q]["housing"].append({
                "key": column, "label": label,
                "value": "–" if pd.isna(value) else format_number(value, decimals, language),
                "median": "–" if pd.isna(median) else format_number(median, decimals,
                                                                    language)})


def _social(study: Study, language: str, parts: dict[str, dict]) -> None:
    for p in parts.values():
        p["social"] = None
    social = study.social
    if social is None or not len(social):
        return
    columns = [c for c in social.columns if c not in ("quarter_id", "name", "year")
               and pd.api.types.is_numeric_dtype(social[c])]
    edition_year = _year(study.edition)
    years = sorted(int(y) for y in social["year"].unique()
                   if edition_year is None or int(y) <= edition_year)[-SOCIAL_YEARS:]
    if not years or not columns:
        return
    wide = social[social["year"].isin(years)].set_index(["quarter_id", "year"])[columns]
    decimals = {c: _decimals(wide[c].to_numpy(dtype=float), 1) for c in columns}
    labels = {c: column_label(c, language) for c in columns}
    text = texts(language)
    units = {c: f" {text['points']}" if c.endswith("_anteil") else "" for c in columns}
    quarters = [q for q in wide.index.get_level_values("quarter_id").unique() if q in parts]
    # quarter × year × column; the change runs from the first to the last known year
    values = wide.reindex(pd.MultiIndex.from_product([quarters, years])).to_numpy(
        dtype=float).reshape(len(quarters), len(years), len(columns))
    known = ~np.isnan(values)
    first = np.take_along_axis(values, known.argmax(axis=1)[:, None, :], axis=1)[:, 0, :]
    last = np.take_along_axis(values, (len(years) - 1 - known[:, ::-1].argmax(axis=1))[
        :, None, :], axis=1)[:, 0, :]
    changes = np.where(known.sum(axis=1) > 1, last - first, np.nan)

    def shown(value: float, column: str) -> str:
        return "–" if math.isnan(value) else format_number(value, decimals[column], language)

    for q, own, change in zip(quarters, values, changes, strict=True):
        rows = [{"key": c, "label": labels[c],
                 "values": [shown(v, c) for v in own[:, i].tolist()],
                 "change": "–" if math.isnan(change[i]) else
                 ("+" if change[i] > 0 else "") + shown(change[i], c) + units[c]}
                for i, c in enumerate(columns)]
        parts[q]["social"] = {"years": [str(y) for y in years], "rows": rows}


def _year(edition: object) -> int | None:
    digits = "".join(ch for ch in str(edition)[:4] if ch.isdigit())
    return int(digits) if len(digits) == 4 else None


def _concerns(protection: Protection | None, language: str, parts: dict[str, dict]) -> None:
    """Concern topics (action fields) per quarter from the protected counts only."""
    for p in parts.values():
        p["concerns"] = None
    if protection is None:
        return
    position = protection.dims.index("field")
    fields = sorted({k[position] for k in protection.values if k[position] is not None},
                    key=lambda f: FIELDS.index(f) if f in FIELDS else len(FIELDS))
    for q in parts:
        total_key = protection.key(quarter_id=q)
        if total_key not in protection.status:
            continue
        topics = []
        for f in fields:
            key = protection.key(quarter_id=q, field=f)
            if key not in protection.status:
                continue
            # a hidden figure is listed whatever its true count, so leaving out the shown
            # zeros reveals nothing beyond the published table
            if protection.status[key] != "shown" or protection.values[key] > 0:
                topics.append({"label": field_label(f, language) if f in FIELDS else str(f),
                               "n": protection.display(key, language)})
        parts[q]["concerns"] = {"total": protection.display(total_key, language),
                                "topics": topics}
