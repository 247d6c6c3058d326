"""``quartier init ORDNER``: a first ``quartier.toml`` from a folder of files.

Each file is recognised from its columns and geometry:

* polygons with a column of unique ids → quarters (the file whose ids other tables use wins);
* a table whose id column matches the quarter ids and that has a total column (``Einwohner``,
  ``Gesamt``, ``E_E`` …) → population per quarter (a known layout as ``preset``);
* a table with a Zensus cell id (``GITTER_ID_100m``) or cell centres (``x_mp_100m``) →
  population grid;
* points, or a table with coordinates, with name/category columns → facilities (the category
  from a column holding catalogue keys or from the file name);
* a table by quarter with a year column → social indicators; other tables by quarter whose
  name speaks of housing → housing;
* ``.pbf`` → the walking network (written commented out).

The config is written with comments saying what was recognised, what could not be placed and
what to edit; an existing ``quartier.toml`` is never overwritten.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from quartier.catalogue import default_catalogue
from quartier.load.ids import clean_ids, infer_id_width, pad_ids
from quartier.load.population import PRESETS
from quartier.load.tables import TableReadError, read_table

__all__ = ["FileGuess", "guess_files", "init_config"]

_GEO_SUFFIXES = {".shp", ".geojson", ".gpkg", ".json", ".kml", ".gml"}
_TABLE_SUFFIXES = {".csv", ".txt", ".tsv", ".xlsx", ".xls", ".xlsm"}
_ID_NAME = re.compile(r"(^|_|-)(id|nr|nummer|schluessel|schlüssel|key|code)($|_|-)|^plr|raumid|"
                      r"quartier", re.IGNORECASE)
_TOTAL_NAMES = ("einwohner", "gesamt", "insgesamt", "e_e", "total", "bevoelkerung",
                "bevölkerung", "einwohnerzahl")
_NAME_NAMES = ("name", "e_name", "bezeichnung", "einrichtung", "einrichtung_name", "aponame",
               "plr_name", "quartiersname", "titel")
_CAPACITY_NAMES = ("plaetze", "plätze", "platzzahl", "e_platz", "kapazitaet", "kapazität",
                   "capacity")
_OPERATOR_NAMES = ("traeger", "träger", "t_name", "traegername", "betreiber", "operator")
_CATEGORY_NAMES = ("kategorie", "category", "art", "typ", "angebot")
_STREET_NAMES = ("strasse", "straße", "e_strasse", "gc_strasse", "street")
_HOUSING_NAME = re.compile(r"wohnen|wohnung|housing|gebaeude|gebäude", re.IGNORECASE)
#: File-name stems → catalogue key (checked after the catalogue keys and German labels).
_FILE_HINTS = {"kindertages": "kita", "kita": "kita", "pflegeeinr": "nursing_home",
               "pflegeheim": "nursing_home", "jugendfrei": "youth_centre",
               "jugendzentr": "youth_centre", "apothek": "pharmacy", "schul": "school",
               "arzt": "doctor", "doctor": "doctor", "spielpl": "playground",
               "playground": "playground", "supermar": "supermarket", "bibliothek": "library",
               "librar": "library", "haltestell": "transit_stop", "bus-stop": "transit_stop",
               "tram-stop": "transit_stop", "sbahn": "rail_station", "ubahn": "rail_station",
               "pharmac": "pharmacy", "clinic": "clinic", "hospital": "hospital",
               "krankenh": "hospital", "post-office": "post_office",
               "community": "community_centre", "worship": "place_of_worship",
               "marketplace": "marketplace",
               "convenience": "convenience_store", "grocery": "convenience_store",
               "sport": "sports_facility", "kindergarten": "kita", "childcare": "kita",
               "park": "park"}


@dataclass
class FileGuess:
    """What one file seems to be."""

    path: Path
    kind: str  # quarters, population_quarters, population_grid, facilities, social, housing,
    #            network, table_by_quarter, polygons, unknown
    block: dict = field(default_factory=dict)  # keys of its config block
    comments: list[str] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)  # quarter ids (polygons) or ids found (tables)
    id_column: str | None = None
    crs: str | None = None


def _lower(columns) -> dict[str, str]:
    return {str(c).strip().lower(): str(c) for c in columns}


def _first(columns, names: tuple[str, ...]) -> str | None:
    lower = _lower(columns)
    return next((lower[n] for n in names if n in lower), None)


def _id_columns(frame: pd.DataFrame) -> list[str]:
    """Columns with unique, filled values, id-like names first."""
    found = []
    for column in frame.columns:
        if column in ("geometry", "_row"):
            continue
        values = clean_ids(frame[column].astype(object))
        if values.notna().all() and values.is_unique and values.str.len().max() <= 20:
            found.append(column)
    return sorted(found, key=lambda c: 0 if _ID_NAME.search(str(c)) else 1)


def _category(path: Path, frame: pd.DataFrame, catalogue: pd.DataFrame
              ) -> tuple[str | None, str | None]:
    """(category column, fixed category) for a facility file."""
    keys = set(catalogue.index)
    for column in frame.columns:
        if column == "geometry":
            continue
        values = frame[column].dropna().astype(str).str.strip()
        if len(values) and values.isin(keys).mean() >= 0.8:
            return column, None
    stem = path.stem.lower()
    for key in sorted(keys, key=len, reverse=True):
        if key in stem.replace("-", "_"):
            return None, key
    for hint, key in _FILE_HINTS.items():
        if hint in stem:
            return None, key
    return None, None


def _facility_block(path: Path, frame: pd.DataFrame, catalogue: pd.DataFrame,
                    guess: FileGuess) -> None:
    columns: dict[str, str] = {}
    ids = _id_columns(frame)
    if ids:
        columns["facility_id"] = ids[0]
    for contract, names in (("name", _NAME_NAMES), ("capacity", _CAPACITY_NAMES),
                            ("operator", _OPERATOR_NAMES)):
        found = _first(frame.columns, names)
        if found:
            columns[contract] = found
    category_column, fixed = _category(path, frame, catalogue)
    if category_column:
        columns["category"] = category_column
    guess.block.update({"label": path.stem, "id_prefix": f"{path.stem}-", "columns": columns})
    if fixed:
        guess.block["category"] = fixed
        guess.comments.append(f"Kategorie aus dem Dateinamen geraten: \"{fixed}\" – prüfen.")
    elif not category_column:
        guess.block["category"] = None  # written commented out
        guess.comments.append("Kategorie nicht erkannt: eine Kategorie wählen (eine von: "
                              + ", ".join(catalogue.index) + ") und den Block einkommentieren.")
    street = _first(frame.columns, _STREET_NAMES)
    if street:
        lower = _lower(frame.columns)
        parts = [street]
        for pattern in (r"(^|_)(hnr|hausnr|hausnummer|haus)$", r"(^|_)plz$",
                        r"(^|_)(ort|ortsteil)$"):  # street, number, postcode, town
            parts += [lower[n] for n in lower if re.search(pattern, n)][:1]
        guess.block["address_columns"] = parts


def _look_at_geo(path: Path, catalogue: pd.DataFrame) -> FileGuess:
    try:
        info = pyogrio.read_info(path)
        frame = gpd.read_file(path, engine="pyogrio", max_features=200_000)
    except Exception as exc:  # GDAL cannot read it: listed as not placed
        return FileGuess(path, "unknown", comments=[f"nicht lesbar ({exc})"])
    kind = str(info.get("geometry_type") or "").lower()
    crs = frame.crs.to_string() if frame.crs is not None else None
    guess = FileGuess(path, "unknown", crs=crs)
    if "polygon" in kind:
        ids = _id_columns(frame)
        if not ids:
            guess.kind, guess.comments = "polygons", ["Flächen ohne eindeutige ID-Spalte"]
            return guess
        guess.kind, guess.id_column = "quarters", ids[0]
        guess.ids = set(clean_ids(frame[ids[0]].astype(object)))
        name = _first(frame.columns, _NAME_NAMES) or _first(
            frame.columns, tuple(c.lower() for c in frame.columns if "name" in c.lower()))
        guess.block["columns"] = {"quarter_id": ids[0], **({"name": name} if name else {})}
        return guess
    if "point" in kind:
        guess.kind = "facilities"
        _facility_block(path, frame, catalogue, guess)
    return guess


def _look_at_table(path: Path, catalogue: pd.DataFrame) -> FileGuess:
    try:
        table, _ = read_table(path)
    except (TableReadError, OSError, ValueError) as exc:
        return FileGuess(path, "unknown", comments=[f"nicht lesbar ({exc})"])
    lower = _lower(table.columns)
    guess = FileGuess(path, "unknown")
    if any(n in lower for n in ("gitter_id_100m", "x_mp_100m", "gitter_id")):
        guess.kind, guess.block = "population_grid", {"format": "zensus2022"}
        return guess
    x = next((lower[n] for n in ("x", "rechtswert", "lon", "longitude", "ostwert") if n in lower),
             None)
    y = next((lower[n] for n in ("y", "hochwert", "lat", "latitude", "nordwert") if n in lower),
             None)
    if x and y and (_first(table.columns, _NAME_NAMES) or _first(table.columns, _CATEGORY_NAMES)):
        guess.kind = "facilities"
        guess.block.update({"x": x, "y": y})
        guess.crs = "EPSG:4326" if x.lower() in ("lon", "longitude") else None
        _facility_block(path, table, catalogue, guess)
        return guess
    guess.kind = "table_by_quarter"
    guess.block["table"] = table
    return guess


def _match_quarters(guess: FileGuess, quarter_ids: set[str], width: int | None) -> str | None:
    """The column of a table whose ids are (mostly) quarter ids."""
    table: pd.DataFrame = guess.block["table"]
    for column in table.columns:
        ids, _ = pad_ids(clean_ids(table[column].astype(object)), width)
        ids = ids.dropna()
        if len(ids) and ids.isin(quarter_ids).mean() >= 0.8:
            return column
    return None


def _population_block(table: pd.DataFrame, id_column: str) -> dict | None:
    for name, layout in PRESETS.items():
        if "quarter_id" in layout and layout["quarter_id"] in table.columns and \
                layout["total"] in table.columns:
            return {"preset": name}
    total = _first(table.columns, _TOTAL_NAMES)
    if total is None or _HOUSING_NAME.search(str(total)):
        return None
    columns = {"quarter_id": id_column, "total": total}
    for column in table.columns:
        text = str(column).strip().lower()
        band = (re.fullmatch(r"(\d+) bis (\d+)", text) or re.fullmatch(r"(\d+) und (?:älter|mehr)",
                                                                         text)
                or re.fullmatch(r"unter (\d+)", text))
        if band is None:
            continue
        if text.startswith("unter"):
            columns[f"age_0_{int(band.group(1)) - 1}"] = str(column)
        elif "bis" in text:
            columns[f"age_{band.group(1)}_{band.group(2)}"] = str(column)
        else:
            columns[f"age_{band.group(1)}_plus"] = str(column)
    return {"columns": columns}


def guess_files(folder: str | Path) -> tuple[list[FileGuess], str | None]:
    """Recognise every file of ``folder``; returns the guesses and the study CRS."""
    folder = Path(folder)
    catalogue = default_catalogue()
    guesses = []
    for path in sorted(p for p in folder.iterdir() if not p.name.startswith(".")):
        suffix = path.suffix.lower()
        if path.name == "quartier.toml" or path.is_dir():
            continue
        if suffix == ".pbf":
            guesses.append(FileGuess(path, "network"))
        elif suffix in _GEO_SUFFIXES:
            guesses.append(_look_at_geo(path, catalogue))
        elif suffix in _TABLE_SUFFIXES:
            guesses.append(_look_at_table(path, catalogue))
        elif suffix not in {".shx", ".dbf", ".prj", ".cpg", ".qmd", ".sbn", ".sbx", ".sqlite"}:
            guesses.append(FileGuess(path, "unknown", comments=["Dateityp nicht bekannt"]))
    quarter_files = [g for g in guesses if g.kind == "quarters"]
    tables = [g for g in guesses if g.kind == "table_by_quarter"]

    def matches(q: FileGuess) -> int:
        width = infer_id_width(pd.Series(sorted(q.ids)))
        return sum(_match_quarters(t, q.ids, width) is not None for t in tables)

    chosen = max(quarter_files, key=lambda q: (matches(q), len(q.ids)), default=None)
    for q in quarter_files:
        if q is not chosen:
            q.kind = "polygons"
            q.comments.append("weitere Flächendatei (ältere Grenzen? Landnutzung?): nicht "
                              "zugeordnet; für Tabellen auf diesen Grenzen boundaries = … nutzen")
    width = infer_id_width(pd.Series(sorted(chosen.ids))) if chosen else None
    for t in tables:
        column = _match_quarters(t, chosen.ids, width) if chosen else None
        table = t.block.pop("table")
        if column is None:
            t.kind, t.comments = "unknown", ["Tabelle ohne Quartiers-IDs der Grenzdatei"]
            continue
        year = _first(table.columns, ("jahr", "year"))
        population = _population_block(table, column)
        if year is not None:
            t.kind, t.block = "social", {"columns": {"quarter_id": column, "year": year}}
        elif population is not None:
            t.kind, t.block = "population_quarters", population
        elif _HOUSING_NAME.search(t.path.stem):
            t.kind, t.block = "housing", {"columns": {"quarter_id": column}}
        else:
            t.kind, t.comments = "unknown", [f"Tabelle je Quartier (Spalte {column}), Art "
                                             "nicht erkannt (Wohnen, Sozialindikatoren?)"]
    crs = _study_crs(chosen)
    return guesses, crs


def _study_crs(quarters: FileGuess | None) -> str | None:
    if quarters is None or quarters.crs is None:
        return None
    from pyproj import CRS  # local: only needed here
    crs = CRS.from_user_input(quarters.crs)
    if crs.is_projected and crs.axis_info and crs.axis_info[0].unit_name in ("metre", "meter"):
        return f"EPSG:{crs.to_epsg()}" if crs.to_epsg() else None
    frame = gpd.read_file(quarters.path, engine="pyogrio", max_features=1)
    longitude = frame.to_crs("EPSG:4326").geometry.iloc[0].centroid.x
    return "EPSG:25833" if longitude >= 12 else "EPSG:25832"


def _edition(guesses: list[FileGuess]) -> str:
    """The newest year in the names of the facility files, else the current year."""
    import datetime as _dt
    years = [int(m.group(0)) for g in guesses if g.kind == "facilities"
             for m in [re.search(r"(19|20)\d\d", g.path.name)] if m]
    return str(max(years) if years else _dt.date.today().year)


def _toml_value(value: object) -> str:
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items()) \
            + " }"
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _toml_value(key)


def _editions_merged(guesses: list[FileGuess]) -> list[FileGuess]:
    """One block per register kept in several editions (``kitas_2024.csv``, ``kitas_2025.csv``):
    the newest with ``{edition}`` in its path, so that the other editions stay usable.
    """
    groups: dict[str, list[FileGuess]] = {}
    for g in guesses:
        groups.setdefault(re.sub(r"(19|20)\d\d", "{edition}", g.path.name), []).append(g)
    merged = []
    for pattern, members in groups.items():
        newest = max(members, key=lambda g: g.path.name)
        if len(members) > 1:
            year = re.search(r"(19|20)\d\d", newest.path.name)
            assert year is not None, "one folder's names are unique: grouped names differ by year"
            newest.block["label"] = newest.block["label"].replace(year.group(0), "").strip("_- ")
            newest.block["id_prefix"] = ""
            newest.comments.append(f"Ausgaben {', '.join(m.path.name for m in members)}: der "
                                   "Pfad nennt das Jahr als {edition}; edition in [study] wählt "
                                   "die Datei.")
            newest.block["_path"] = pattern
        merged.append(newest)
    return merged


def _block(header: str, guess: FileGuess, root: Path, commented: bool = False) -> list[str]:
    lines = [f"# {c}" for c in guess.comments]
    body = [header, f"path = {_toml_value(guess.block.get('_path', guess.path.name))}"]
    for key, value in guess.block.items():
        if key == "_path" or (key == "id_prefix" and not value):
            continue
        if value is None:
            body.append(f'{key} = "…"')
            commented = True
        else:
            body.append(f"{key} = {_toml_value(value)}")
    return lines + [("# " + line) if commented else line for line in body] + [""]


def init_config(folder: str | Path, *, name: str | None = None) -> tuple[Path, list[FileGuess]]:
    """Write ``folder/quartier.toml`` from what the files there look like.

    Raises
    ------
    FileExistsError
        When ``quartier.toml`` exists already (it is never overwritten).
    NotADirectoryError
        When ``folder`` is not a folder.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise NotADirectoryError(f"{folder} ist kein Ordner.")
    target = folder / "quartier.toml"
    if target.exists():
        raise FileExistsError(f"{target} gibt es schon; sie wird nicht überschrieben.")
    guesses, crs = guess_files(folder)
    by_kind: dict[str, list[FileGuess]] = {}
    for g in guesses:
        by_kind.setdefault(g.kind, []).append(g)
    lines = ["# quartier.toml – erzeugt von `quartier init`. Bitte prüfen: jede Angabe ist aus den",
             "# Spalten und Geometrien der Dateien geraten. Danach: "
             "quartier validate quartier.toml",
             "", "[study]",
             f"name = {_toml_value(name or folder.resolve().name.title())}",
             f'crs = "{crs or "EPSG:25832"}"' + ("" if crs else "  # PRÜFEN: Koordinatensystem "
                                               "der Quartiere nicht erkannt"),
             f'edition = "{_edition(guesses)}"  # Bezeichnung dieser Ausgabe, meist das Jahr der '
             "Daten",
             'language = "de"', ""]
    quarters = by_kind.get("quarters", [])
    if quarters:
        lines += ["# Quartiersgrenzen: Flächen mit eindeutiger ID-Spalte"]
        lines += _block("[quarters]", quarters[0], folder)
    else:
        lines += ["# FEHLT: keine Flächendatei mit eindeutiger ID-Spalte gefunden – [quarters]",
                  "# mit path und columns = { quarter_id = \"…\" } ergänzen.",
                  '# [quarters]', '# path = "…"', ""]
    grids = by_kind.get("population_grid", [])
    if grids:
        lines += ["# Einwohner im 100-m-Gitter (Zensus 2022)", "[population.grid]",
                  f"path = {_toml_value([g.path.name for g in grids])}",
                  'format = "zensus2022"', ""]
    for g in by_kind.get("population_quarters", [])[:1]:
        lines += ["# Einwohner je Quartier (Tabelle mit den Quartiers-IDs und einer Gesamtzahl);",
                  "# weitere Altersgruppen mit age_von_bis = \"Spalte\" ergänzen."]
        lines += _block("[population.quarters]", g, folder)
    if not grids and not by_kind.get("population_quarters"):
        lines += ["# FEHLT: keine Einwohnerdaten erkannt – [population.quarters] (Tabelle je",
                  "# Quartier) oder [population.grid] (Zensus-Gitter) ergänzen.", ""]
    for g in _editions_merged(by_kind.get("facilities", [])):
        if g.crs is not None and "x" in g.block:
            g.block["crs"] = g.crs
        elif "x" in g.block:
            g.block["crs"] = crs or "EPSG:25832"
            g.comments.append("Koordinatensystem der Spalten x/y angenommen wie [study] – prüfen.")
        lines += _block("[[facilities]]", g, folder)
    for kind, header in (("housing", "[housing]"), ("social", "[[social]]")):
        for g in by_kind.get(kind, [])[:1 if kind == "housing" else None]:
            lines += _block(header, g, folder)
    for g in by_kind.get("network", []):
        g.comments.append("OpenStreetMap-Auszug: für Fußwege einkommentieren (braucht pyosmium);"
                          " Einrichtungen daraus mit [[facilities]] path = … osm = true.")
        lines += _block("[network]", g, folder, commented=True)
    unplaced = [g for g in guesses if g.kind in ("unknown", "polygons")] + \
        by_kind.get("population_quarters", [])[1:] + by_kind.get("housing", [])[1:]
    if unplaced:
        lines += ["# Nicht zugeordnet (bei Bedarf von Hand eintragen):"]
        lines += [f"#   {g.path.name}: {'; '.join(g.comments) or 'Art nicht erkannt'}"
                  for g in unplaced]
    target.write_text("\n".join(lines).rstrip() + "\n", encoding="utf-8")
    return target, guesses
