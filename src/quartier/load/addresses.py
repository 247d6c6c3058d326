"""Addresses to coordinates: placing registers without coordinates on official house coordinates.

Towns hold the coordinates of every house address (ALKIS Hauskoordinaten, their own address
register). An ``[addresses]`` dataset names such a file (street, house number with suffix,
postcode, x/y); facility registers and actors that carry only an address are placed by matching
their address columns against it. Nothing is sent to an online geocoder.

Matching, in this order (all vectorised over the unique addresses):

1. street names normalised (:func:`normalise_street`: case, ß/ss, umlauts, ``Str.``/``Straße``,
   hyphens, spaces and dots), house numbers split into number and suffix
   (:func:`split_house_number`: ``12a``, ``12 A`` → 12 + ``a``; ranges ``12-14`` → 12);
2. exact on postcode, street, number and suffix; a street not known in the postcode is looked up
   in the whole register (a wrong or missing postcode) and, failing that, matched fuzzily within
   the postcode with rapidfuzz (``fuzzy_min_score``, default 90 of 100);
3. a number found without its suffix (``12a`` where the register has only ``12``, or the other
   way round) is taken with a note.
"""

from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import CRS
from rapidfuzz import fuzz, process

from quartier.config import DatasetConfig
from quartier.load.columns import map_columns, read_table_reported
from quartier.load.features import TABLE_SUFFIXES, read_features
from quartier.validation import ValidationReport, format_ids

__all__ = ["ADDRESS_PRESETS", "DEFAULT_MIN_SCORE", "REGISTER_OPTION", "address_parts",
           "load_addresses", "match_addresses", "needs_address", "normalise_street",
           "place_by_address", "read_placed", "report_matches", "split_house_number",
           "with_address_register"]

#: Smallest rapidfuzz ratio (0–100) for a street name matched despite a typo.
DEFAULT_MIN_SCORE = 90.0
#: Column layouts of known address files: contract name → column (x/y as the block's x/y).
ADDRESS_PRESETS: dict[str, dict[str, str]] = {
    # ALKIS Hauskoordinaten (HK-DE): STN Straßenname, HNR Hausnummer, ADZ Adressierungszusatz
    "hk_de": {"street": "STN", "house_number": "HNR", "house_number_suffix": "ADZ",
              "postcode": "PLZ", "town": "ONM", "x": "EAST", "y": "NORTH"},
}
#: Option under which the study hands the loaded ``[addresses]`` register to a dataset block
#: (set by :func:`with_address_register`, never written in a config).
REGISTER_OPTION = "_address_register"
_CONTRACT = ("street", "house_number", "house_number_suffix", "postcode", "town")
_STATUS_DE = {"street_unknown": "Straße nicht im Adressverzeichnis",
              "number_unknown": "Hausnummer nicht im Adressverzeichnis",
              "missing": "keine Straße angegeben"}
_NUMBER = re.compile(r"^\s*(\d+)\s*([a-z](?![a-z]))?", re.IGNORECASE)
_STREET_AND_NUMBER = re.compile(r"^\s*(.*?\D)\s*(\d+\s*[a-zA-Z]?(?:\s*[-/]\s*\d*\s*[a-zA-Z]?)?)"
                                r"\s*$")
_FULL_ADDRESS = re.compile(r"^\s*(?P<street>[^,]*?)\s*,\s*(?P<postcode>\d{5})?\s*(?P<town>.*)$")


# --- normalisation ----------------------------------------------------------------------------

def normalise_street(values: pd.Series) -> pd.Series:
    """Street names reduced to a key that ignores how they are written.

    Lower case; ß → ss, ä/ö/ü → ae/oe/ue; ``straße``/``str.``/``str`` → ``strasse``,
    ``pl.`` → ``platz``; everything but letters and digits removed (hyphens, spaces, dots).
    The long forms are kept so that a typo in an abbreviation still scores high in fuzzy
    matching.

    Examples
    --------
    >>> normalise_street(pd.Series(["Karl-Marx-Straße", "karl marx str.", "Müllerstr"])).tolist()
    ['karlmarxstrasse', 'karlmarxstrasse', 'muellerstrasse']
    """
    text = values.astype(object).where(values.notna(), "").astype(str).str.lower()
    for umlaut, plain in (("ß", "ss"), ("ä", "ae"), ("ö", "oe"), ("ü", "ue")):
        text = text.str.replace(umlaut, plain, regex=False)
    text = text.str.replace(r"str\b\.?", "strasse", regex=True)
    text = text.str.replace(r"(?<=[a-z])pl\.|\bpl\b\.?", "platz", regex=True)
    return text.str.replace(r"[^a-z0-9]", "", regex=True)


def split_house_number(values: pd.Series) -> pd.DataFrame:
    """House numbers as ``number`` (text of digits, no leading zeros) and ``suffix`` (lower case).

    ``12a`` and ``12 A`` → 12, ``a``; a range ``12-14`` or ``12/14`` → 12 (its first number);
    text without a number → both empty.

    Examples
    --------
    >>> split_house_number(pd.Series(["12a", "12 A", "12-14", "007", "x"])).values.tolist()
    [['12', 'a'], ['12', 'a'], ['12', ''], ['7', ''], ['', '']]
    """
    text = values.astype(object).where(values.notna(), "").astype(str)
    text = text.str.replace(r"\.0$", "", regex=True)  # 12.0 from a spreadsheet
    parts = text.str.extract(_NUMBER)
    number = parts[0].fillna("").str.lstrip("0")
    number = number.where(~(parts[0].fillna("").str.len() > 0) | (number != ""), "0")
    return pd.DataFrame({"number": number, "suffix": parts[1].fillna("").str.lower()},
                        index=values.index)


def _postcodes(values: pd.Series) -> pd.Series:
    digits = values.astype(object).where(values.notna(), "").astype(str).str.extract(
        r"(\d{4,5})")[0].fillna("")
    return digits.str.zfill(5).where(digits != "", "")


def _split_street(street: pd.Series, number: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Street and number where the number stands in the street column (``Hauptstr. 5``)."""
    street = street.astype(object).where(street.notna(), "").astype(str).str.strip()
    number = number.astype(object).where(number.notna(), "").astype(str).str.strip()
    parts = street.str.extract(_STREET_AND_NUMBER)
    inside = (number == "") & parts[0].notna()
    return street.where(~inside, parts[0].str.strip()), number.where(~inside, parts[1])


def address_parts(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Street, house number and postcode from a register's address columns.

    ``columns`` lists, in this order, street, house number, postcode (and town, not needed);
    one column holds the whole address (``Hauptstraße 5, 69181 Musterstadt``); a house number
    inside the street column is split off.
    """
    empty = pd.Series("", index=frame.index, dtype=object)
    if len(columns) == 1:
        full = frame[columns[0]].astype(object).where(frame[columns[0]].notna(), "").astype(str)
        parts = full.str.extract(_FULL_ADDRESS)
        street = parts["street"].where(parts["street"].notna(), full)
        postcode = parts["postcode"].fillna("")
        number = empty
    else:
        street, number = frame[columns[0]], frame[columns[1]]
        postcode = frame[columns[2]] if len(columns) > 2 else empty
    street, number = _split_street(street, number)
    return pd.DataFrame({"street": street, "house_number": number, "postcode": postcode},
                        index=frame.index)


# --- the register -----------------------------------------------------------------------------

def load_addresses(cfg: DatasetConfig, working_crs: CRS, report: ValidationReport
                   ) -> pd.DataFrame | None:
    """Read the official address coordinates (``[addresses]``).

    Returns
    -------
    DataFrame or None
        ``street`` (as written), ``street_key``, ``number``, ``suffix``, ``postcode``, ``x``,
        ``y`` (in the working CRS), one row per distinct address.
    """
    preset = ADDRESS_PRESETS.get(str(cfg.get("preset", cfg.get("format", ""))), {})
    if cfg.get("preset", cfg.get("format")) and not preset:
        report.add("error", "bad_value", cfg.name, f"Unbekanntes Format "
                   f"'{cfg.get('preset', cfg.get('format'))}'.", f"Bekannt sind: "
                   f"{', '.join(ADDRESS_PRESETS)}; sonst columns = {{ … }} und x/y angeben.",
                   file=str(cfg.path))
    options = dict(cfg.options)
    for key in ("x", "y"):
        if key in preset:
            options.setdefault(key, preset[key])
    cfg = DatasetConfig(cfg.name, cfg.paths, cfg.columns, options)
    frame, _ = read_features(cfg, working_crs, report)
    if frame is None:
        return None
    defaults = {k: v for k, v in preset.items() if k in _CONTRACT}
    frame = map_columns(frame, cfg, cfg.path, report, required=("street", "house_number"),
                        optional=("house_number_suffix", "postcode", "town"), defaults=defaults)
    if frame is None:
        return None
    located = frame.geometry.notna() & ~frame.geometry.is_empty
    frame = frame[located]
    numbers = split_house_number(frame["house_number"])
    suffix = frame["house_number_suffix"].astype(object).where(
        frame["house_number_suffix"].notna(), "").astype(str).str.strip().str.lower()
    register = pd.DataFrame({
        "street": frame["street"].astype(str).str.strip(),
        "street_key": normalise_street(frame["street"]),
        "number": numbers["number"], "suffix": suffix.where(suffix != "", numbers["suffix"]),
        "postcode": _postcodes(frame["postcode"]),
        "x": frame.geometry.x.to_numpy(), "y": frame.geometry.y.to_numpy()})
    register = register[(register["street_key"] != "") & (register["number"] != "")]
    register = register.drop_duplicates(["postcode", "street_key", "number", "suffix"])
    report.add("note", "addresses_loaded", cfg.name, f"{len(register)} Adressen mit Koordinaten "
               f"gelesen ({register['street_key'].nunique()} Straßen).", file=str(cfg.path))
    register = register.reset_index(drop=True)
    register.attrs["min_score"] = float(cfg.get("fuzzy_min_score", DEFAULT_MIN_SCORE))
    return register


# --- matching ---------------------------------------------------------------------------------

def _fuzzy_streets(keys: pd.DataFrame, register: pd.DataFrame, min_score: float
                   ) -> pd.DataFrame:
    """Best register street per (postcode, street_key) within the postcode (or everywhere).

    One ``process.cdist`` call per postcode block compares every unknown street of the block
    with the block's streets.
    """
    found = []
    streets_by_postcode = register.groupby("postcode")["street_key"].unique()
    all_streets = register["street_key"].unique()
    for postcode, block in keys.groupby("postcode"):
        choices = streets_by_postcode.get(postcode, all_streets) if postcode else all_streets
        queries = block["street_key"].tolist()
        scores = process.cdist(queries, list(choices), scorer=fuzz.ratio,
                               score_cutoff=min_score, workers=1)
        best = scores.argmax(axis=1)
        score = scores[np.arange(len(queries)), best]
        hit = score >= min_score
        found.append(pd.DataFrame({"postcode": postcode, "street_key": np.array(queries)[hit],
                                   "matched_key": np.asarray(choices)[best[hit]],
                                   "score": score[hit]}))
    columns = ["postcode", "street_key", "matched_key", "score"]
    return pd.concat(found, ignore_index=True) if found else pd.DataFrame(columns=columns)


def match_addresses(queries: pd.DataFrame, register: pd.DataFrame, *,
                    min_score: float = DEFAULT_MIN_SCORE) -> pd.DataFrame:
    """Coordinates for addresses given as street, house number and postcode.

    Parameters
    ----------
    queries : DataFrame
        ``street``, ``house_number`` and ``postcode`` as written (postcode may be empty).
    register : DataFrame
        From :func:`load_addresses`.
    min_score : float
        Smallest :func:`rapidfuzz.fuzz.ratio` of two normalised street names taken as a typo.

    Returns
    -------
    DataFrame
        Indexed like ``queries``: ``x``, ``y`` (NaN when not found), ``status`` (``exact``,
        ``other_postcode``, ``fuzzy``, ``without_suffix``, ``street_unknown``,
        ``number_unknown``, ``missing``), ``matched_street`` (as written in the register) and
        ``score`` (100 unless fuzzy).
    """
    numbers = split_house_number(queries["house_number"])
    q = pd.DataFrame({"street_key": normalise_street(queries["street"]),
                      "number": numbers["number"], "suffix": numbers["suffix"],
                      "postcode": _postcodes(queries["postcode"])}, index=queries.index)
    q["matched_key"], q["score"], q["how"] = pd.NA, 100.0, "exact"
    known_pairs = set(zip(register["postcode"], register["street_key"]))
    pair_known = pd.Series([p in known_pairs for p in zip(q["postcode"], q["street_key"])],
                           index=q.index)
    q.loc[pair_known, "matched_key"] = q.loc[pair_known, "street_key"]
    # a known street under another (or no) postcode: take its postcode when it has only one
    street_postcodes = register.groupby("street_key")["postcode"].unique()
    open_ = ~pair_known & q["street_key"].isin(street_postcodes.index) & (q["street_key"] != "")
    elsewhere = q.loc[open_, "street_key"].map(street_postcodes)
    single = elsewhere.map(len) == 1
    rows = single[single].index
    q.loc[rows, "matched_key"] = q.loc[rows, "street_key"]
    q.loc[rows, "postcode"] = elsewhere[single].map(lambda a: a[0])
    q.loc[rows, "how"] = "other_postcode"
    # typos: fuzzy within the postcode block
    open_ = q["matched_key"].isna() & (q["street_key"] != "")
    if open_.any():
        unique = q.loc[open_, ["postcode", "street_key"]].drop_duplicates()
        fuzzy = _fuzzy_streets(unique, register, min_score)
        merged = q.loc[open_, ["postcode", "street_key"]].reset_index().merge(
            fuzzy, on=["postcode", "street_key"], how="inner").set_index(q.index.name or "index")
        merged.index.name = q.index.name
        q.loc[merged.index, "matched_key"] = merged["matched_key"]
        q.loc[merged.index, "score"] = merged["score"].astype(float)
        q.loc[merged.index, "how"] = "fuzzy"
        no_postcode = merged.index[q.loc[merged.index, "postcode"] == ""]
        q.loc[no_postcode, "postcode"] = [street_postcodes[k][0] for k in
                                          q.loc[no_postcode, "matched_key"]]
    return _locate(q, register)


def _locate(q: pd.DataFrame, register: pd.DataFrame) -> pd.DataFrame:
    """Coordinates of the resolved (postcode, street, number, suffix), else without suffix."""
    index_name = q.index.name
    keyed = q.rename(columns={"matched_key": "key"}).reset_index(names="_query")
    reg = register.rename(columns={"street_key": "key"})
    exact = keyed.merge(reg[["postcode", "key", "number", "suffix", "x", "y", "street"]],
                        on=["postcode", "key", "number", "suffix"], how="left")
    exact = exact.drop_duplicates("_query").set_index("_query")
    loose = keyed.merge(reg.sort_values("suffix")[["postcode", "key", "number", "x", "y",
                                                   "street"]],
                        on=["postcode", "key", "number"], how="left")
    loose = loose.drop_duplicates("_query").set_index("_query")
    street_names = reg.drop_duplicates("key").set_index("key")["street"]
    result = pd.DataFrame(index=q.index)
    use_loose = exact["x"].isna() & loose["x"].notna()
    result["x"] = exact["x"].where(~use_loose, loose["x"]).to_numpy()
    result["y"] = exact["y"].where(~use_loose, loose["y"]).to_numpy()
    status = q["how"].where(~use_loose.to_numpy(), "without_suffix")
    found = result["x"].notna()
    status = status.where(found, np.where(q["matched_key"].isna(), "street_unknown",
                                          "number_unknown"))
    status = status.where(q["street_key"] != "", "missing")
    result["status"] = status
    result["matched_street"] = q["matched_key"].map(street_names)
    result["score"] = q["score"].astype(float).where(q["matched_key"].notna())
    result.index.name = index_name
    return result


# --- placing a register -----------------------------------------------------------------------

def needs_address(cfg: DatasetConfig, addresses: pd.DataFrame | None) -> bool:
    """True for a table without coordinate settings whose rows are to be placed by address.

    That is a CSV/Excel file without ``x``/``y``/``wkt`` in its block, with address columns
    (``address_columns`` or a list in ``columns.address``), in a study with ``[addresses]``.
    """
    return (addresses is not None and cfg.path.suffix.lower() in TABLE_SUFFIXES
            and not any(cfg.get(k) for k in ("x", "y", "wkt"))
            and bool(_configured_parts(cfg)))


def _configured_parts(cfg: DatasetConfig) -> list[str]:
    listed = cfg.get("address_columns") or cfg.columns.get("address")
    return [listed] if isinstance(listed, str) else list(listed or [])


def place_by_address(cfg: DatasetConfig, addresses: pd.DataFrame, working_crs: CRS,
                     report: ValidationReport, *, path: Path | None = None,
                     min_score: float = DEFAULT_MIN_SCORE) -> tuple[gpd.GeoDataFrame | None, str]:
    """Read a table without coordinates and place its rows on the matched house coordinates.

    Returns the rows that were found as point features in the working CRS (with ``_row``, like
    :func:`quartier.load.features.read_features`) and the table's decimal mark; the match rate
    is a note, every row not found is listed in a warning (file and rows), fuzzy matches are
    listed in a note.
    """
    path = path or cfg.path
    if not path.exists():
        return None, "."
    table, decimal = read_table_reported(cfg, path, report)
    if table is None:
        return None, decimal
    parts = _configured_parts(cfg)
    absent = [c for c in parts if c not in table.columns]
    if absent:
        report.add("error", "missing_column", cfg.name, f"Adressspalten fehlen: "
                   f"{', '.join(absent)}.", "Spaltennamen in address_columns prüfen. Vorhanden: "
                   + ", ".join(c for c in table.columns if c != "_row"), file=str(path),
                   column=", ".join(absent))
        return None, decimal
    queries = address_parts(table, parts)
    matched = match_addresses(queries, addresses, min_score=min_score)
    report_matches(queries, matched, table["_row"], cfg, path, report)
    found = matched["x"].notna()
    frame = gpd.GeoDataFrame(table[found.to_numpy()],
                             geometry=gpd.points_from_xy(matched.loc[found, "x"],
                                                         matched.loc[found, "y"]),
                             crs=working_crs)
    return frame, decimal


def report_matches(queries: pd.DataFrame, matched: pd.DataFrame, rows: pd.Series,
                   cfg: DatasetConfig, path: Path, report: ValidationReport) -> None:
    """Match rate (note), rows not found (warning with each address), fuzzy matches (note)."""
    found = matched["x"].notna()
    total = len(matched)
    share = found.mean() * 100 if total else 100.0
    fuzzy = matched["status"] == "fuzzy"
    loose = matched["status"].isin(["without_suffix", "other_postcode"])
    report.add("note", "address_match_rate", cfg.name, f"Adressen: {int(found.sum())} von "
               f"{total} Zeilen gefunden ({share:.0f} %), davon {int(fuzzy.sum())} unscharf und "
               f"{int(loose.sum())} mit abweichender Postleitzahl oder ohne Hausnummernzusatz.",
               file=str(path))

    def label(i: object) -> str:
        q = queries.loc[i]
        return (f"Zeile {rows.loc[i]}: {q['street']} {q['house_number']}".strip()
                + (f", {q['postcode']}" if str(q["postcode"]).strip() else ""))

    if (~found).any():
        listing = "; ".join(f"{label(i)} ({_STATUS_DE.get(matched.at[i, 'status'], '')})"
                            for i in matched.index[~found.to_numpy()])
        report.add("warning", "address_not_found", cfg.name, f"{int((~found).sum())} Adressen "
                   f"wurden im Adressverzeichnis nicht gefunden und fehlen daher: {listing}.",
                   "Schreibweise von Straße, Hausnummer und Postleitzahl prüfen oder die "
                   "Koordinaten (x/y) in der Datei ergänzen.", file=str(path), column="address",
                   rows=format_ids(rows[~found.to_numpy()]))
    if fuzzy.any():
        listing = "; ".join(f"{label(i)} → {matched.at[i, 'matched_street']} (Ähnlichkeit "
                            f"{matched.at[i, 'score']:.0f})" for i in matched.index[fuzzy])
        report.add("note", "address_fuzzy", cfg.name, f"{int(fuzzy.sum())} Straßennamen wurden "
                   f"trotz abweichender Schreibweise zugeordnet: {listing}.",
                   "Prüfen und die Schreibweise in der Quelle berichtigen.", file=str(path),
                   column="address", rows=format_ids(rows[fuzzy.to_numpy()]))


def with_address_register(sources: tuple[DatasetConfig, ...], register: pd.DataFrame | None
                          ) -> tuple[DatasetConfig, ...]:
    """The dataset blocks with the loaded address register among their options."""
    if register is None:
        return sources
    return tuple(DatasetConfig(c.name, c.paths, c.columns, {**c.options, REGISTER_OPTION: register})
                 for c in sources)


def read_placed(cfg: DatasetConfig, working_crs: CRS, report: ValidationReport
                ) -> tuple[gpd.GeoDataFrame | None, str]:
    """:func:`~quartier.load.features.read_features`, or :func:`place_by_address` for a table
    without coordinates in a study with ``[addresses]`` (see :func:`needs_address`).
    """
    register = cfg.get(REGISTER_OPTION)
    if needs_address(cfg, register):
        return place_by_address(cfg, register, working_crs, report,
                                min_score=register.attrs.get("min_score", DEFAULT_MIN_SCORE))
    return read_features(cfg, working_crs, report)
