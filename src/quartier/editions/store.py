"""The edition store: every edition (Fortschreibung) of a study in one SQLite file.

One file per study, beside its config: ``<config folder>/<study slug>.editions.sqlite``
(:func:`default_store_path`). :func:`store_edition` writes an edition, :func:`list_editions`
lists them and :func:`load_edition` reads one back exactly as it was stored.

Per edition (label, e.g. ``"2025"``) the store keeps

* the results of :func:`quartier.compute`: the tidy ``indicators`` table, the ``gaps`` and the
  social ``status`` index (when computed);
* the quarters (id, name, geometry as WKB; the CRS as WKT and EPSG code in the edition row);
* a snapshot of the facilities (every column, geometry as WKB);
* the config: the TOML text of the config file and the resolved edition;
* sha256 fingerprints of every input file (each path of each dataset, relative to the config
  folder, with its size), and of the config file itself;
* the creation time (UTC, ISO 8601) and the quartier version.

Schema (version :data:`SCHEMA_VERSION`)
---------------------------------------
=================  =========================================================================
table              content
=================  =========================================================================
``meta``           ``key``/``value``: ``application`` (``quartier.editions``),
                   ``schema_version``
``editions``       one row per edition: ``label`` (primary key), ``created``,
                   ``quartier_version``, ``study_name``, ``edition``, ``config_file``,
                   ``config_path``, ``config_text``, ``crs_wkt``, ``crs_epsg``, row counts
``frames``         per edition and table: number of rows, dtype of the column labels, index
                   names (``NULL`` for a default ``RangeIndex``), active geometry column
``frame_columns``  per edition, table and column: position, name, pandas dtype, missing-value
                   marker of object columns, dtype details (categories, JSON), whether it is
                   an index level, where it is stored (``table`` or ``extra``) and the CRS
                   (WKT) of a geometry column
``indicators``     the contract columns of ``results.indicators``
``gaps``           the contract columns of ``results.gaps``
``status``         ``quarter_id`` and the fixed columns of the social index
``quarters``       ``quarter_id``, ``name``, ``geometry`` (WKB)
``facilities``     the facility contract columns, ``in_study_area`` and ``geometry`` (WKB)
``extra_values``   every other column of these tables in long form (``edition``, ``frame``,
                   ``row_no``, ``column_name``, ``value``), e.g. the ``z_<indicator>`` columns
                   of the social index
``fingerprints``   ``dataset``, ``path`` (relative to the config folder), ``size``, ``sha256``
=================  =========================================================================

Every data table is keyed by ``(edition, row_no)``; ``row_no`` keeps the original row order.
Columns are restored with their pandas dtype, so a stored edition loads back identical to
what was stored (``quarter_id`` stays text with its leading zeros).

Transactions
------------
Storing an edition is one SQLite transaction (``BEGIN IMMEDIATE`` … ``COMMIT``, rollback
journal, ``synchronous = FULL``): a process killed in the middle leaves a hot journal that
SQLite rolls back when the file is next opened, so every earlier edition stays readable and no
part of the interrupted one is left. Replacing an edition deletes and re-inserts it in that
same transaction. All rows are prepared before the transaction starts and written with
``executemany``.

Test hook
---------
Inside the write transaction, :func:`store_edition` calls the module-level function
``_checkpoint(stage, connection)`` after each step, with ``stage`` one of ``"edition"``,
``"indicators"``, ``"gaps"``, ``"status"``, ``"quarters"``, ``"facilities"``,
``"fingerprints"`` and finally ``"commit"`` (right before ``COMMIT``). It does nothing; the
kill test (``tests/_store_writer.py``) replaces it to pause a writer mid-transaction (and to
shrink the page cache, so that the unfinished edition already reaches the database file).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from geopandas.array import GeometryDtype
from pyproj import CRS

from quartier import __version__
from quartier.format import slug

if TYPE_CHECKING:
    from quartier.compute import Results
    from quartier.config import StudyConfig
    from quartier.study import Study

__all__ = [
    "SCHEMA_VERSION",
    "STORE_SUFFIX",
    "EditionExistsError",
    "EditionInfo",
    "EditionNotFoundError",
    "StoreError",
    "StoredEdition",
    "default_store_path",
    "list_editions",
    "load_edition",
    "store_edition",
]

#: Version of the table layout written by this module.
SCHEMA_VERSION = 1
#: File name ending of an edition store.
STORE_SUFFIX = ".editions.sqlite"

_APPLICATION = "quartier.editions"
_BUSY_TIMEOUT_S = 30.0

# Fixed (typed) columns of each data table; any other column goes to ``extra_values``.
_TABLES: dict[str, tuple[tuple[str, str], ...]] = {
    "indicators": (("quarter_id", "TEXT"), ("field", "TEXT"), ("category", "TEXT"),
                   ("indicator", "TEXT"), ("value", "REAL"), ("unit", "TEXT"),
                   ("reference_group", "TEXT"), ("target", "REAL"), ("status", "TEXT"),
                   ("basis", "TEXT")),
    "gaps": (("quarter_id", "TEXT"), ("category", "TEXT"), ("indicator", "TEXT"),
             ("value", "REAL"), ("target", "REAL"), ("basis", "TEXT"), ("status", "TEXT")),
    "status": (("quarter_id", "TEXT"), ("year", "INTEGER"), ("included", "INTEGER"),
               ("status_sum", "REAL"), ("status_index", "REAL"), ("status_class", "TEXT"),
               ("status_class_number", "INTEGER"), ("dynamics_sum", "REAL"),
               ("dynamics_index", "REAL"), ("dynamics_class", "TEXT"),
               ("combined_class", "TEXT")),
    "quarters": (("quarter_id", "TEXT"), ("name", "TEXT"), ("geometry", "BLOB")),
    "facilities": (("facility_id", "TEXT"), ("name", "TEXT"), ("field", "TEXT"),
                   ("category", "TEXT"), ("capacity", "REAL"), ("operator", "TEXT"),
                   ("target_group", "TEXT"), ("address", "TEXT"), ("source", "TEXT"),
                   ("in_study_area", "INTEGER"), ("geometry", "BLOB")),
}

_EDITION_COLUMNS = ("label", "created", "quartier_version", "study_name", "edition",
                    "config_file", "config_path", "config_text", "crs_wkt", "crs_epsg",
                    "n_quarters", "n_facilities", "n_indicator_rows", "n_gap_rows",
                    "has_status")

_LIST_COLUMNS = ["label", "created", "version", "study_name", "n_quarters", "n_facilities",
                 "n_indicator_rows", "n_gap_rows", "has_status", "config_file"]


_KEY = "edition TEXT NOT NULL REFERENCES editions(label) ON DELETE CASCADE"

_SCHEMA_HEAD = f"""
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE editions (
    label TEXT PRIMARY KEY, created TEXT NOT NULL, quartier_version TEXT NOT NULL,
    study_name TEXT NOT NULL, edition TEXT NOT NULL, config_file TEXT NOT NULL,
    config_path TEXT NOT NULL, config_text TEXT NOT NULL, crs_wkt TEXT, crs_epsg INTEGER,
    n_quarters INTEGER NOT NULL, n_facilities INTEGER NOT NULL,
    n_indicator_rows INTEGER NOT NULL, n_gap_rows INTEGER NOT NULL,
    has_status INTEGER NOT NULL);
CREATE TABLE frames (
    {_KEY}, frame TEXT NOT NULL, n_rows INTEGER NOT NULL, columns_dtype TEXT NOT NULL,
    index_names TEXT, geometry TEXT, PRIMARY KEY (edition, frame));
CREATE TABLE frame_columns (
    {_KEY}, frame TEXT NOT NULL, position INTEGER NOT NULL, name TEXT NOT NULL,
    dtype TEXT NOT NULL, missing TEXT, detail TEXT, is_index INTEGER NOT NULL,
    storage TEXT NOT NULL CHECK (storage IN ('table', 'extra')), crs_wkt TEXT,
    PRIMARY KEY (edition, frame, position));
CREATE TABLE extra_values (
    {_KEY}, frame TEXT NOT NULL, row_no INTEGER NOT NULL, column_name TEXT NOT NULL,
    value,  -- no declared type: SQLite keeps each value as it is given
    PRIMARY KEY (edition, frame, column_name, row_no));
CREATE TABLE fingerprints (
    {_KEY}, position INTEGER NOT NULL, dataset TEXT NOT NULL, path TEXT NOT NULL,
    size INTEGER, sha256 TEXT, PRIMARY KEY (edition, position));
"""


def _schema_statements() -> list[str]:
    """The ``CREATE TABLE`` statements of the current schema."""
    statements = [part.strip() for part in _SCHEMA_HEAD.split(";") if part.strip()]
    for table, columns in _TABLES.items():
        typed = ", ".join(f"{name} {kind}" for name, kind in columns)
        statements.append(f"CREATE TABLE {table} ({_KEY}, row_no INTEGER NOT NULL, {typed}, "
                          "PRIMARY KEY (edition, row_no))")
    return statements


# --------------------------------------------------------------------------------------------
# public types


class StoreError(Exception):
    """The store file cannot be used: not a database, damaged, foreign, newer or locked.

    Attributes
    ----------
    path : Path
        The store file.
    """

    def __init__(self, message: str, path: Path) -> None:
        super().__init__(message)
        self.path = path


class EditionExistsError(Exception):
    """The edition is already stored and ``replace`` was not given.

    Attributes
    ----------
    label : str
        The edition label.
    path : Path
        The store file.
    """

    def __init__(self, message: str, label: str, path: Path) -> None:
        super().__init__(message)
        self.label = label
        self.path = path


class EditionNotFoundError(KeyError):
    """The store holds no edition of that label (a :class:`KeyError`).

    Attributes
    ----------
    label : str
        The label asked for.
    available : tuple of str
        The labels the store holds, sorted.
    path : Path
        The store file.
    """

    def __init__(self, message: str, label: str, available: Sequence[str], path: Path) -> None:
        super().__init__(message)
        self.message = message
        self.label = label
        self.available = tuple(available)
        self.path = path

    def __str__(self) -> str:  # KeyError would show the message in quotes
        return self.message


@dataclass(frozen=True)
class EditionInfo:
    """What the store says about one edition.

    Attributes
    ----------
    label : str
        Edition label, e.g. ``"2025"``.
    created : datetime
        When it was stored (timezone-aware, UTC).
    version : str
        quartier version that stored it.
    study_name : str
        ``[study] name`` of the config.
    config_file : str
        File name of the config.
    n_quarters, n_facilities, n_indicator_rows, n_gap_rows : int
        Row counts of the stored tables.
    has_status : bool
        Whether a social status index was stored.
    crs_epsg : int or None
        EPSG code of the quarters' CRS (the full CRS is on the loaded quarters).
    store : Path
        The store file.
    """

    label: str
    created: _dt.datetime
    version: str
    study_name: str
    config_file: str
    n_quarters: int
    n_facilities: int
    n_indicator_rows: int
    n_gap_rows: int
    has_status: bool
    crs_epsg: int | None
    store: Path


@dataclass(frozen=True)
class StoredEdition:
    """One edition as loaded from the store.

    Attributes
    ----------
    info : EditionInfo
        Label, creation time, version and counts.
    indicators : DataFrame
        The tidy results table (``results.indicators``).
    gaps : DataFrame
        The gap assessment (``results.gaps``).
    status : DataFrame or None
        The social status and dynamics index, ``None`` when none was computed.
    quarters : GeoDataFrame
        Quarter ids, names and geometries, with the CRS.
    facilities : GeoDataFrame
        The facility snapshot.
    config_text : str
        The TOML text of the config file.
    edition : str
        The edition resolved from the config (``[study] edition`` or the override).
    fingerprints : DataFrame
        ``dataset``, ``path`` (relative to the config folder), ``size`` and ``sha256`` of
        every input file and of the config (dataset ``"config"``).
    """

    info: EditionInfo
    indicators: pd.DataFrame
    gaps: pd.DataFrame
    status: pd.DataFrame | None
    quarters: gpd.GeoDataFrame
    facilities: gpd.GeoDataFrame
    config_text: str
    edition: str
    fingerprints: pd.DataFrame


# --------------------------------------------------------------------------------------------
# public functions


def default_store_path(study_or_config: Study | StudyConfig | str | Path) -> Path:
    """Where a study keeps its editions: ``<config folder>/<study slug>.editions.sqlite``.

    Parameters
    ----------
    study_or_config : Study, StudyConfig, str or Path
        A loaded study, its config, or the path of ``quartier.toml`` (or of its folder),
        which is then read for the study name.

    Returns
    -------
    Path
        The store file (it need not exist yet).

    Raises
    ------
    TypeError
        For any other argument.
    ValueError
        When a config path cannot be read.

    Examples
    --------
    >>> from quartier.config import read_config
    >>> config, _ = read_config("data/sample/quartier.toml")  # doctest: +SKIP
    >>> default_store_path(config).name  # doctest: +SKIP
    'musterstadt.editions.sqlite'
    """
    config = _config_of(study_or_config)
    return config.path.parent / f"{slug(config.name)}{STORE_SUFFIX}"


def store_edition(store: str | Path, study: Study, results: Results, *,
                  replace: bool = False) -> EditionInfo:
    """Store the results of a study as edition ``study.edition``.

    The whole write is one transaction: either the complete edition is in the store
    afterwards or nothing changed, also when the process is killed midway.

    Parameters
    ----------
    store : str or Path
        The store file; created when missing (its folder must exist).
    study : Study
        The loaded study (config, quarters, facilities; the label is ``study.edition``).
    results : Results
        What :func:`quartier.compute` returned for `study`.
    replace : bool, default False
        Replace an edition of the same label (delete and insert in the same transaction).

    Returns
    -------
    EditionInfo
        The stored edition.

    Raises
    ------
    EditionExistsError
        When the edition is stored already and `replace` is False; nothing is changed.
    StoreError
        When the file is not an edition store, is damaged, newer or locked.
    TypeError, ValueError
        When `study` or `results` are not what :func:`quartier.load_study` and
        :func:`quartier.compute` return, or do not belong together.

    Examples
    --------
    >>> import quartier
    >>> study = quartier.load_study("data/sample/quartier.toml", edition="2025")  # doctest: +SKIP
    >>> info = store_edition("musterstadt.editions.sqlite", study,
    ...                      quartier.compute(study))  # doctest: +SKIP
    """
    path = Path(store)
    _check_inputs(study, results)
    config = study.config
    label = str(study.edition)
    quarters = study.quarters
    crs = quarters.crs
    # Everything is read and encoded before the transaction, which then only writes.
    frames = [("indicators", results.indicators), ("gaps", results.gaps),
              ("status", results.status), ("quarters", quarters),
              ("facilities", study.facilities)]
    encoded = {name: _encode_frame(name, frame) for name, frame in frames if frame is not None}
    fingerprints = _fingerprints(config)
    created = _dt.datetime.now(_dt.UTC)
    edition_row = {
        "label": label, "created": created.isoformat(timespec="microseconds"),
        "quartier_version": __version__, "study_name": config.name,
        "edition": str(config.edition), "config_file": config.path.name,
        "config_path": str(config.path), "config_text": _config_text(config.path),
        "crs_wkt": crs.to_wkt() if crs is not None else None,
        "crs_epsg": crs.to_epsg() if crs is not None else None,
        "n_quarters": len(quarters), "n_facilities": len(study.facilities),
        "n_indicator_rows": len(results.indicators), "n_gap_rows": len(results.gaps),
        "has_status": int(results.status is not None),
    }

    with _errors_as_store_error(path):
        connection = _connect(path, create=True)
        try:
            connection.execute("BEGIN IMMEDIATE")
            _prepare_schema(connection, path)
            existing = connection.execute("SELECT created FROM editions WHERE label = ?",
                                          (label,)).fetchone()
            if existing is not None:
                if not replace:
                    raise EditionExistsError(
                        f"Die Ausgabe {label} ist im Fortschreibungsspeicher {path} schon "
                        f"gespeichert (am {_format_created(existing[0])}) und wird nicht "
                        f"überschrieben. Um sie zu ersetzen, mit --replace erneut ausführen "
                        f"(in Python: replace=True).", label, path)
                connection.execute("DELETE FROM editions WHERE label = ?", (label,))
            connection.execute(
                f"INSERT INTO editions ({', '.join(_EDITION_COLUMNS)}) VALUES "
                f"({', '.join('?' * len(_EDITION_COLUMNS))})",
                tuple(edition_row[c] for c in _EDITION_COLUMNS))
            _checkpoint("edition", connection)
            for name in ("indicators", "gaps", "status", "quarters", "facilities"):
                if name in encoded:
                    _write_frame(connection, label, encoded[name])
                _checkpoint(name, connection)
            connection.executemany(
                "INSERT INTO fingerprints (edition, position, dataset, path, size, sha256) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [(label, i, *row) for i, row in enumerate(fingerprints)])
            _checkpoint("fingerprints", connection)
            _checkpoint("commit", connection)
            connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:
                try:
                    connection.execute("ROLLBACK")
                except sqlite3.Error:
                    pass  # closing the connection rolls back as well; keep the first error
            raise
        finally:
            connection.close()
    return _info_from_row(edition_row, path)


def list_editions(store: str | Path) -> pd.DataFrame:
    """The editions in a store, one row each, sorted by label (numbers in labels by value).

    Parameters
    ----------
    store : str or Path
        The store file. A missing file is an empty store.

    Returns
    -------
    DataFrame
        Columns ``label``, ``created`` (UTC timestamp), ``version`` (quartier version),
        ``study_name``, ``n_quarters``, ``n_facilities``, ``n_indicator_rows``, ``n_gap_rows``,
        ``has_status`` and ``config_file``.

    Raises
    ------
    StoreError
        When the file is not an edition store, is damaged or newer.

    Examples
    --------
    >>> len(list_editions("no-such-folder/musterstadt.editions.sqlite"))
    0
    """
    path = Path(store)
    rows: list[dict[str, Any]] = []
    with _errors_as_store_error(path):
        connection = _connect(path, create=False)
        if connection is not None:
            try:
                if _check_schema(connection, path):
                    cursor = connection.execute(f"SELECT {', '.join(_EDITION_COLUMNS)} "
                                                "FROM editions")
                    rows = [dict(zip(_EDITION_COLUMNS, row)) for row in cursor]
            finally:
                connection.close()
    rows.sort(key=lambda row: _label_key(row["label"]))
    table = pd.DataFrame({
        "label": pd.Series([r["label"] for r in rows], dtype=object),
        "created": pd.to_datetime(pd.Series([r["created"] for r in rows], dtype=object),
                                  utc=True, format="ISO8601"),
        "version": pd.Series([r["quartier_version"] for r in rows], dtype=object),
        "study_name": pd.Series([r["study_name"] for r in rows], dtype=object),
        **{name: pd.Series([int(r[name]) for r in rows], dtype="int64")
           for name in ("n_quarters", "n_facilities", "n_indicator_rows", "n_gap_rows")},
        "has_status": pd.Series([bool(r["has_status"]) for r in rows], dtype=bool),
        "config_file": pd.Series([r["config_file"] for r in rows], dtype=object),
    })
    return table[_LIST_COLUMNS]


def load_edition(store: str | Path, label: str) -> StoredEdition:
    """Read one edition back, exactly as it was stored.

    Parameters
    ----------
    store : str or Path
        The store file.
    label : str
        Edition label, e.g. ``"2025"`` (a number is taken as its text).

    Returns
    -------
    StoredEdition
        Tables with their original columns, order, dtypes and index; quarters and facilities
        as GeoDataFrames with their CRS. Column labels come back as text; values of object
        columns that SQLite cannot hold (anything but text, numbers, bytes and missing
        values) were stored as their text.

    Raises
    ------
    EditionNotFoundError
        When the store (or the file) holds no edition of that label; the message lists the
        stored editions.
    StoreError
        When the file is not an edition store, is damaged or newer.

    Examples
    --------
    >>> edition = load_edition("musterstadt.editions.sqlite", "2025")  # doctest: +SKIP
    >>> edition.indicators.head()  # doctest: +SKIP
    """
    path = Path(store)
    label = str(label)
    with _errors_as_store_error(path):
        connection = _connect(path, create=False)
        if connection is None:
            raise EditionNotFoundError(
                f"Die Ausgabe {label} gibt es nicht: der Fortschreibungsspeicher {path} "
                "existiert (noch) nicht, es ist also keine Ausgabe gespeichert.", label, (), path)
        try:
            # One read transaction, so that a concurrent writer cannot slip in between.
            connection.execute("BEGIN")
            has_schema = _check_schema(connection, path)
            row = (connection.execute(f"SELECT {', '.join(_EDITION_COLUMNS)} FROM editions "
                                      "WHERE label = ?", (label,)).fetchone()
                   if has_schema else None)
            if row is None:
                available = (sorted((r[0] for r in connection.execute(
                    "SELECT label FROM editions")), key=_label_key) if has_schema else [])
                listed = ", ".join(available) if available else "noch keine"
                raise EditionNotFoundError(
                    f"Die Ausgabe {label} gibt es im Fortschreibungsspeicher {path} nicht. "
                    f"Gespeicherte Ausgaben: {listed}.", label, available, path)
            edition_row = dict(zip(_EDITION_COLUMNS, row))
            tables = {name: _read_frame(connection, label, name) for name in _TABLES}
            fingerprints = pd.DataFrame(
                connection.execute("SELECT dataset, path, size, sha256 FROM fingerprints "
                                   "WHERE edition = ? ORDER BY position", (label,)).fetchall(),
                columns=["dataset", "path", "size", "sha256"])
            connection.execute("COMMIT")
        finally:
            connection.close()
    fingerprints = fingerprints.astype({"dataset": object, "path": object, "size": "Int64",
                                        "sha256": object})
    return StoredEdition(
        info=_info_from_row(edition_row, path),
        indicators=tables["indicators"], gaps=tables["gaps"], status=tables["status"],
        quarters=tables["quarters"], facilities=tables["facilities"],
        config_text=edition_row["config_text"], edition=edition_row["edition"],
        fingerprints=fingerprints)


# --------------------------------------------------------------------------------------------
# test hook


def _checkpoint(stage: str, connection: sqlite3.Connection) -> None:
    """Called inside the write transaction after each step; does nothing (see module notes)."""


# --------------------------------------------------------------------------------------------
# connection and schema


def _connect(path: Path, *, create: bool) -> sqlite3.Connection | None:
    """Open the store in autocommit mode (transactions are explicit); ``None`` if missing."""
    if not create and not path.is_file():
        return None
    uri = f"{path.resolve().as_uri()}?mode={'rwc' if create else 'rw'}"
    try:
        connection = sqlite3.connect(uri, uri=True, isolation_level=None,
                                     timeout=_BUSY_TIMEOUT_S)
    except sqlite3.OperationalError:
        if create:
            raise
        # A read-only file (e.g. on a write-protected medium) can still be read.
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True,
                                     isolation_level=None, timeout=_BUSY_TIMEOUT_S)
    try:
        connection.execute("PRAGMA foreign_keys = ON")
        if create:
            connection.execute("PRAGMA journal_mode = DELETE")
            connection.execute("PRAGMA synchronous = FULL")
    except sqlite3.Error:
        connection.close()
        raise
    return connection


def _check_schema(connection: sqlite3.Connection, path: Path) -> bool:
    """Check that the file is a quartier edition store; ``False`` for an empty database."""
    tables = {row[0] for row in connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not tables:
        return False
    meta = (dict(connection.execute("SELECT key, value FROM meta").fetchall())
            if "meta" in tables else {})
    if meta.get("application") != _APPLICATION:
        raise StoreError(
            f"Die Datei {path} ist eine SQLite-Datenbank, aber kein Fortschreibungsspeicher von "
            "quartier. Sie wird nicht verändert; einen anderen Speicherpfad wählen.", path)
    try:
        version = int(meta.get("schema_version", ""))
    except ValueError:
        version = -1
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"Der Fortschreibungsspeicher {path} hat das Schemaformat {version}; diese "
            f"quartier-Version ({__version__}) kennt nur Format {SCHEMA_VERSION}. quartier "
            "aktualisieren.", path)
    if version < 1 or not set(_TABLES) <= tables:
        raise StoreError(f"Der Fortschreibungsspeicher {path} ist unvollständig oder "
                         f"beschädigt (Schemaformat {meta.get('schema_version')!r}).", path)
    return True


def _prepare_schema(connection: sqlite3.Connection, path: Path) -> None:
    """Create the tables in an empty database (inside the caller's transaction)."""
    if _check_schema(connection, path):
        return
    for statement in _schema_statements():
        connection.execute(statement)
    connection.executemany("INSERT INTO meta (key, value) VALUES (?, ?)",
                           [("application", _APPLICATION),
                            ("schema_version", str(SCHEMA_VERSION)),
                            ("created_with", __version__)])


@contextmanager
def _errors_as_store_error(path: Path) -> Iterator[None]:
    """Turn :mod:`sqlite3` errors inside the block into a German :class:`StoreError`."""
    try:
        yield
    except sqlite3.Error as exc:
        text = str(exc)
        if "locked" in text or "busy" in text:
            message = (f"Der Fortschreibungsspeicher {path} ist von einem anderen Vorgang "
                       f"gesperrt ({text}). Später erneut versuchen.")
        elif isinstance(exc, sqlite3.OperationalError) and "unable to open" in text:
            message = (f"Der Fortschreibungsspeicher {path} lässt sich nicht öffnen ({text}). "
                       "Ordner und Schreibrechte prüfen.")
        elif isinstance(exc, sqlite3.DatabaseError):
            message = (f"Die Datei {path} ist kein lesbarer Fortschreibungsspeicher von "
                       f"quartier: keine SQLite-Datenbank oder beschädigt ({text}). Die Datei "
                       "aus einer Sicherung wiederherstellen oder einen anderen Speicherpfad "
                       "wählen.")
        else:
            message = f"Fehler im Fortschreibungsspeicher {path}: {text}"
        raise StoreError(message, path) from exc


# --------------------------------------------------------------------------------------------
# frames: encoding for the tables and back


@dataclass(frozen=True)
class _EncodedFrame:
    """A DataFrame ready to insert: its description and its rows, as plain Python values."""

    name: str
    frame_row: tuple[Any, ...]
    column_rows: list[tuple[Any, ...]]
    table_columns: tuple[str, ...]
    table_rows: list[tuple[Any, ...]]
    extra_rows: list[tuple[Any, ...]]


def _encode_frame(name: str, frame: pd.DataFrame) -> _EncodedFrame:
    """Describe `frame` and turn its cells into values SQLite stores without loss."""
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{name} must be a DataFrame, got {type(frame).__name__}")
    names = [str(c) for c in frame.columns]
    if len(set(names)) != len(names):
        raise ValueError(f"{name} has duplicate column names: {names}")
    n_rows = len(frame)
    index_names: list[str | None] | None = None
    index = frame.index
    if not (isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1
            and index.name is None):
        index_names = [None if n is None else str(n) for n in index.names]
        levels = [f"__index_{i}__" if n is None or n in names else n
                  for i, n in enumerate(index_names)]
        index_frame = index.to_frame(index=False).set_axis(levels, axis=1)
        body = pd.DataFrame(frame).set_axis(names, axis=1).reset_index(drop=True)
        data = pd.concat([index_frame, body], axis=1)
    else:
        data = pd.DataFrame(frame).set_axis(names, axis=1)
    geometry = None
    if isinstance(frame, gpd.GeoDataFrame):
        active = getattr(frame, "active_geometry_name", None)
        geometry = None if active is None or active not in frame.columns else str(active)

    fixed = dict(_TABLES[name])
    in_table: dict[str, list[Any]] = {}
    column_rows: list[tuple[Any, ...]] = []
    extra_rows: list[tuple[Any, ...]] = []
    n_index = 0 if index_names is None else len(index_names)
    for position, column in enumerate(data.columns):
        series = data.iloc[:, position]
        values, dtype, missing, detail = _encode_series(series)
        crs = series.array.crs if isinstance(series.dtype, GeometryDtype) else None
        crs_wkt = crs.to_wkt() if crs is not None else None
        storage = ("table" if column in fixed and column not in in_table
                   and _fits(series, values, fixed[column]) else "extra")
        if storage == "table":
            in_table[column] = values
        else:
            extra_rows.extend((name, row, column, value) for row, value in enumerate(values)
                              if value is not None)
        column_rows.append((name, position, column, dtype, missing, detail,
                            int(position < n_index), storage, crs_wkt))
    table_columns = tuple(in_table)
    table_rows = list(zip(range(n_rows), *(in_table[c] for c in table_columns)))
    frame_row = (name, n_rows, str(frame.columns.dtype),
                 None if index_names is None else json.dumps(index_names), geometry)
    return _EncodedFrame(name, frame_row, column_rows, table_columns, table_rows, extra_rows)


def _write_frame(connection: sqlite3.Connection, label: str, encoded: _EncodedFrame) -> None:
    connection.execute("INSERT INTO frames (edition, frame, n_rows, columns_dtype, index_names, "
                       "geometry) VALUES (?, ?, ?, ?, ?, ?)", (label, *encoded.frame_row))
    connection.executemany(
        "INSERT INTO frame_columns (edition, frame, position, name, dtype, missing, detail, "
        "is_index, storage, crs_wkt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(label, *row) for row in encoded.column_rows])
    columns = ("edition", "row_no", *encoded.table_columns)
    connection.executemany(
        f"INSERT INTO {encoded.name} ({', '.join(columns)}) "
        f"VALUES ({', '.join('?' * len(columns))})",
        [(label, *row) for row in encoded.table_rows])
    connection.executemany(
        "INSERT INTO extra_values (edition, frame, row_no, column_name, value) "
        "VALUES (?, ?, ?, ?, ?)", [(label, *row) for row in encoded.extra_rows])


def _read_frame(connection: sqlite3.Connection, label: str, name: str) -> pd.DataFrame | None:
    """Rebuild a stored DataFrame (``None`` if the edition has none of that name)."""
    frame_row = connection.execute(
        "SELECT n_rows, columns_dtype, index_names, geometry FROM frames "
        "WHERE edition = ? AND frame = ?", (label, name)).fetchone()
    if frame_row is None:
        return None
    n_rows, columns_dtype, index_json, geometry = frame_row
    described = connection.execute(
        "SELECT name, dtype, missing, detail, is_index, storage, crs_wkt FROM frame_columns "
        "WHERE edition = ? AND frame = ? ORDER BY position", (label, name)).fetchall()
    table_columns = [c[0] for c in described if c[5] == "table"]
    values: dict[str, list[Any]] = {c: [] for c in table_columns}
    if table_columns:
        cursor = connection.execute(
            f"SELECT {', '.join(table_columns)} FROM {name} WHERE edition = ? ORDER BY row_no",
            (label,))
        for row in cursor:
            for column, value in zip(table_columns, row):
                values[column].append(value)
    for column, _, _, _, _, storage, _ in described:
        if storage == "extra":
            cells: list[Any] = [None] * n_rows
            for row_no, value in connection.execute(
                    "SELECT row_no, value FROM extra_values WHERE edition = ? AND frame = ? "
                    "AND column_name = ?", (label, name, column)):
                cells[row_no] = value
            values[column] = cells
    # Series keep their dtype in the constructor (a bare object array would become ``str``).
    data = {column: _as_series(_decode_values(values[column], dtype, missing, crs_wkt,
                                              detail), n_rows)
            for column, dtype, missing, detail, _, _, crs_wkt in described}
    frame = pd.DataFrame(data, index=pd.RangeIndex(n_rows))
    if index_json is not None:
        index_names = json.loads(index_json)
        levels = [c[0] for c in described if c[4]]
        frame = frame.set_index(levels)
        frame.index.names = index_names
    frame.columns = pd.Index(list(frame.columns), dtype=_pandas_dtype(columns_dtype))
    if geometry is not None:
        frame = gpd.GeoDataFrame(frame, geometry=geometry)
    return frame


def _encode_series(series: pd.Series) -> tuple[list[Any], str, str | None, str | None]:
    """Plain values of a column (``None`` for missing), its dtype, missing marker and details.

    The details (JSON) describe a categorical dtype: its categories, their dtype and order.
    """
    dtype = series.dtype
    name = str(dtype)
    missing_mask = np.asarray(pd.isna(series), dtype=bool) if len(series) else np.zeros(0, bool)
    if isinstance(dtype, GeometryDtype):
        return list(shapely.to_wkb(np.asarray(series.array, dtype=object),
                                   output_dimension=_WKB_DIMENSIONS)), name, None, None
    if isinstance(dtype, pd.DatetimeTZDtype) or (isinstance(dtype, np.dtype)
                                                 and dtype.kind in "mM"):
        return ([None if m else v.isoformat() for v, m in zip(series, missing_mask)], name,
                None, None)
    if isinstance(dtype, np.dtype) and dtype.kind in "biuf":
        values = series.to_numpy().tolist()
        if dtype.kind == "f":
            values = [None if m else v for v, m in zip(values, missing_mask)]
        return values, name, None, None
    objects = series.astype(object).tolist()
    values = [None if m else _plain(v) for v, m in zip(objects, missing_mask)]
    missing = None
    if isinstance(dtype, np.dtype) and dtype == object and missing_mask.any():
        kinds = {_missing_kind(v) for v, m in zip(objects, missing_mask) if m}
        missing = kinds.pop() if len(kinds) == 1 else "none"
    detail = None
    if isinstance(dtype, pd.CategoricalDtype):
        categories, categories_dtype, _, _ = _encode_series(pd.Series(dtype.categories))
        detail = json.dumps({"categories": categories, "categories_dtype": categories_dtype,
                             "ordered": bool(dtype.ordered)})
    return values, name, missing, detail


def _decode_values(values: list[Any], dtype_name: str, missing: str | None,
                   crs_wkt: str | None, detail: str | None = None) -> Any:
    """Inverse of :func:`_encode_series`: an array of the recorded dtype."""
    if dtype_name == "geometry":
        geoms = shapely.from_wkb(np.array(values, dtype=object))
        return gpd.GeoSeries(geoms, crs=CRS.from_wkt(crs_wkt) if crs_wkt else None)
    dtype = _pandas_dtype(dtype_name)
    if isinstance(dtype, pd.DatetimeTZDtype) or (isinstance(dtype, np.dtype)
                                                 and dtype.kind == "M"):
        stamps = pd.to_datetime(pd.Series(values, dtype=object), format="ISO8601", utc=True)
        stamps = (stamps.dt.tz_convert(dtype.tz) if isinstance(dtype, pd.DatetimeTZDtype)
                  else stamps.dt.tz_localize(None))
        return stamps.astype(dtype).array
    if isinstance(dtype, np.dtype) and dtype.kind == "m":
        return pd.Series(pd.to_timedelta(pd.Series(values, dtype=object))).astype(dtype).array
    if isinstance(dtype, np.dtype) and dtype.kind == "f":
        return np.array([np.nan if v is None else v for v in values], dtype=dtype)
    if isinstance(dtype, np.dtype) and dtype.kind == "b":
        return np.array([bool(v) for v in values], dtype=dtype)
    if isinstance(dtype, np.dtype) and dtype.kind in "iu":
        return np.array(values, dtype=dtype)
    if isinstance(dtype, pd.BooleanDtype):
        return pd.array([None if v is None else bool(v) for v in values], dtype=dtype)
    if isinstance(dtype, np.dtype) and dtype == object:
        marker = _MISSING.get(missing or "none")
        result = np.empty(len(values), dtype=object)
        result[:] = [marker if v is None else v for v in values]
        return result
    if isinstance(dtype, pd.CategoricalDtype):
        if detail is None:
            return pd.Categorical(pd.Series(values, dtype=object))
        described = json.loads(detail)
        categories = _as_series(_decode_values(described["categories"],
                                               described["categories_dtype"], None, None),
                                len(described["categories"]))
        return pd.Categorical(values, dtype=pd.CategoricalDtype(pd.Index(categories),
                                                                ordered=described["ordered"]))
    try:
        return pd.array(values, dtype=dtype)
    except (TypeError, ValueError):
        return np.array(values, dtype=object)


def _as_series(values: Any, n_rows: int) -> pd.Series:
    """A Series of exactly the dtype of `values` (pandas would infer ``str`` for objects)."""
    dtype = object if isinstance(values, np.ndarray) and values.dtype == object else None
    return pd.Series(values, index=pd.RangeIndex(n_rows), dtype=dtype, copy=False)


def _fits(series: pd.Series, values: list[Any], kind: str) -> bool:
    """Whether a column can go into a typed table column without any conversion by SQLite."""
    dtype = series.dtype
    if kind == "BLOB":
        return isinstance(dtype, GeometryDtype)
    if kind == "TEXT":
        return ((isinstance(dtype, pd.StringDtype) or dtype == object)
                and all(v is None or isinstance(v, str) for v in values))
    if kind == "REAL":
        return isinstance(dtype, np.dtype) and dtype.kind == "f"
    if kind == "INTEGER":
        if isinstance(dtype, np.dtype):
            return dtype.kind in "bi" or (dtype.kind == "u" and dtype.itemsize < 8)
        return isinstance(dtype, (pd.BooleanDtype, pd.Int64Dtype, pd.Int32Dtype,
                                  pd.Int16Dtype, pd.Int8Dtype))
    return False


def _plain(value: Any) -> Any:
    """A value SQLite can bind (numpy scalars unwrapped, anything exotic as text)."""
    if isinstance(value, (str, bytes, bool, int, float)):
        return value
    if isinstance(value, np.generic):
        return value.item()
    return str(value)


def _missing_kind(value: Any) -> str:
    if value is None:
        return "none"
    if value is pd.NA:
        return "na"
    if value is pd.NaT:
        return "nat"
    return "nan"


_MISSING: dict[str, Any] = {"none": None, "nan": np.nan, "na": pd.NA, "nat": pd.NaT}

# Keep M coordinates where shapely can (shapely >= 2.1), else X, Y and Z.
_WKB_DIMENSIONS = 4 if tuple(map(int, re.findall(r"\d+", shapely.__version__)[:2])) >= (2, 1) \
    else 3


def _pandas_dtype(name: str) -> Any:
    """The dtype a recorded dtype name stands for, tolerant of other pandas versions."""
    if name == "str":
        try:
            return pd.StringDtype(na_value=np.nan)
        except TypeError:  # pandas < 2.3 has no NaN-backed string dtype
            return np.dtype(object)
    try:
        return pd.api.types.pandas_dtype(name)
    except TypeError:
        return np.dtype(object)


# --------------------------------------------------------------------------------------------
# inputs, fingerprints, small helpers


def _check_inputs(study: Any, results: Any) -> None:
    for attribute in ("config", "quarters", "facilities", "edition"):
        if not hasattr(study, attribute):
            raise TypeError("study must be a quartier Study (from quartier.load_study), got "
                            f"{type(study).__name__}")
    for attribute in ("indicators", "gaps", "status"):
        if not hasattr(results, attribute):
            raise TypeError("results must be quartier Results (from quartier.compute), got "
                            f"{type(results).__name__}")
    if not str(study.edition).strip():
        raise ValueError("the study has an empty edition label; set [study] edition or pass "
                         "edition= to load_study")
    if "quarter_id" in results.indicators.columns and "quarter_id" in study.quarters.columns:
        unknown = set(results.indicators["quarter_id"].dropna()) - set(
            study.quarters["quarter_id"])
        if unknown:
            raise ValueError("results do not belong to this study: the indicators name "
                             f"quarters the study does not have ({sorted(unknown)[:5]})")


def _datasets(config: StudyConfig) -> Iterable[Any]:
    """Every dataset block of the config, in the order of the config's fields."""
    for item in fields(config):
        value = getattr(config, item.name)
        candidates = value if isinstance(value, tuple) else (value,)
        for candidate in candidates:
            if hasattr(candidate, "paths") and hasattr(candidate, "columns"):
                yield candidate


def _fingerprints(config: StudyConfig) -> list[tuple[str, str, int | None, str | None]]:
    """``(dataset, path relative to the config folder, size, sha256)`` of every input file."""
    folder = config.path.parent
    files = [("config", config.path)]
    files += [(dataset.name, Path(p)) for dataset in _datasets(config) for p in dataset.paths]
    rows = []
    for dataset, file in files:
        try:
            relative = Path(os.path.relpath(file, folder)).as_posix()
        except ValueError:  # another drive on Windows
            relative = file.as_posix()
        if file.is_file():
            rows.append((dataset, relative, file.stat().st_size, _sha256(file)))
        else:
            rows.append((dataset, relative, None, None))
    return rows


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _config_text(path: Path) -> str:
    """The config as read by :func:`quartier.config.read_config` (UTF-8, BOM dropped)."""
    return path.read_bytes().decode("utf-8-sig")


def _config_of(value: Any) -> StudyConfig:
    if hasattr(value, "config") and hasattr(value.config, "path"):
        return value.config
    if hasattr(value, "path") and hasattr(value, "name") and hasattr(value, "raw"):
        return value
    if isinstance(value, (str, Path)):
        from quartier.config import read_config

        config, report = read_config(value)
        if config is None:
            raise ValueError(f"Die Konfiguration {value} lässt sich nicht lesen: "
                             + "; ".join(f.message for f in report.errors))
        return config
    raise TypeError("expected a Study, a StudyConfig or the path of quartier.toml, got "
                    f"{type(value).__name__}")




def _label_key(label: str) -> list[tuple[int, Any]]:
    """Sort key that orders numbers in labels by value (``"2024-2"`` before ``"2024-10"``)."""
    return [(0, int(part)) if part.isdigit() else (1, part)
            for part in re.split(r"(\d+)", str(label)) if part]


def _format_created(text: str) -> str:
    try:
        stamp = _dt.datetime.fromisoformat(text)
    except ValueError:
        return text
    return stamp.strftime("%d.%m.%Y %H:%M UTC")


def _info_from_row(row: dict[str, Any], path: Path) -> EditionInfo:
    return EditionInfo(
        label=row["label"], created=_dt.datetime.fromisoformat(row["created"]),
        version=row["quartier_version"], study_name=row["study_name"],
        config_file=row["config_file"], n_quarters=int(row["n_quarters"]),
        n_facilities=int(row["n_facilities"]), n_indicator_rows=int(row["n_indicator_rows"]),
        n_gap_rows=int(row["n_gap_rows"]), has_status=bool(row["has_status"]),
        crs_epsg=None if row["crs_epsg"] is None else int(row["crs_epsg"]), store=path)
