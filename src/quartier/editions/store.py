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
``executemany``. The frame codec (dtypes, index, geometry as WKB) is in
:mod:`quartier.editions._codec`.

Faults
------
Every failure ends in a :class:`StoreError` whose subclass and German message name the cause,
and leaves the file as it was:

* :class:`StoreDamagedError` only for a file that is no SQLite database, is not a quartier
  store, or fails SQLite's integrity check (``quick_check``, run inside the write transaction
  before anything is written, so a truncated store is never written over);
* :class:`StoreVersionError` for a store of a newer schema version (a newer quartier);
* :class:`StoreReadOnlyError` for a write-protected file or folder (the rollback journal
  ``<file>-journal`` is created beside the store), :class:`StoreLockedError` when another
  writer holds the lock longer than the busy timeout (30 s), :class:`StoreFullError` when
  the disk is full or a file size limit is reached (the transaction is rolled back).

:func:`check_store_writable` runs all checks and a rolled-back test write without changing
anything; :func:`quartier.report.publish.publish_edition` calls it before computing.

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
import errno
import hashlib
import os
import re
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd

from quartier import __version__
from quartier.editions._codec import TABLES, encode_frame, read_frame, write_frame
from quartier._paths import inside
from quartier.errors import QuartierError
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
    "StoreDamagedError",
    "StoreError",
    "StoreFullError",
    "StoreLockedError",
    "StoreReadOnlyError",
    "StoreVersionError",
    "StoredEdition",
    "check_store_writable",
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
    for table, columns in TABLES.items():
        typed = ", ".join(f"{name} {kind}" for name, kind in columns)
        statements.append(f"CREATE TABLE {table} ({_KEY}, row_no INTEGER NOT NULL, {typed}, "
                          "PRIMARY KEY (edition, row_no))")
    return statements


# --------------------------------------------------------------------------------------------
# public types


class StoreError(QuartierError):
    """The store file cannot be used; the subclasses say why.

    The message (German) names the file, the cause and what to do. Every subclass leaves the
    file as it was: a failed write is rolled back.

    Attributes
    ----------
    path : Path
        The store file.
    """

    def __init__(self, message: str, path: Path) -> None:
        super().__init__(message)
        self.path = path


class StoreDamagedError(StoreError):
    """The file is no quartier edition store: not SQLite, foreign, or fails the integrity check.

    Only this error calls a store damaged and suggests restoring a backup.
    """


class StoreVersionError(StoreError):
    """The store was written by a newer quartier version (a higher schema version)."""


class StoreReadOnlyError(StoreError):
    """The store (file or folder) can be read but not written; the file itself is fine."""


class StoreLockedError(StoreError):
    """Another process holds the write lock longer than the busy timeout; the file is fine."""


class StoreFullError(StoreError):
    """Writing failed (disk full, file size limit, I/O error); the write was rolled back."""


class EditionExistsError(QuartierError):
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


class EditionNotFoundError(QuartierError, KeyError):
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
    return inside(config.path.parent, f"{slug(config.name)}{STORE_SUFFIX}")


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
        When the store cannot take the edition; nothing is changed. The subclass says why:
        :class:`StoreDamagedError` (not an edition store, or it fails SQLite's integrity
        check), :class:`StoreVersionError` (written by a newer quartier),
        :class:`StoreReadOnlyError`, :class:`StoreLockedError` (another writer, after the
        busy timeout) or :class:`StoreFullError` (disk full; the write is rolled back).
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
    encoded = {name: encode_frame(name, frame) for name, frame in frames if frame is not None}
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

    with _errors_as_store_error(path, writing=True):
        connection = _connect(path, create=True)
        try:
            connection.execute("BEGIN IMMEDIATE")
            if _check_schema(connection, path):
                _check_integrity(connection, path)  # never write into a damaged file
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
                    write_frame(connection, label, encoded[name])
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
        When the file is not an edition store or is damaged (:class:`StoreDamagedError`),
        was written by a newer quartier (:class:`StoreVersionError`) or is locked for longer
        than the busy timeout (:class:`StoreLockedError`).

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
        When the file is not an edition store or is damaged (:class:`StoreDamagedError`),
        was written by a newer quartier (:class:`StoreVersionError`) or is locked for longer
        than the busy timeout (:class:`StoreLockedError`).

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
            tables = {name: read_frame(connection, label, name) for name in TABLES}
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
        raise StoreDamagedError(
            f"Die Datei {path} ist eine SQLite-Datenbank, aber kein Fortschreibungsspeicher von "
            "quartier. Sie wird nicht verändert; einen anderen Speicherpfad wählen (--store, "
            "im Notebook store=…).", path)
    try:
        version = int(meta.get("schema_version", ""))
    except ValueError:
        version = -1
    if version > SCHEMA_VERSION:
        raise StoreVersionError(
            f"Der Fortschreibungsspeicher {path} wurde von einer neueren quartier-Version "
            f"geschrieben (Schemaformat {version}); diese quartier-Version ({__version__}) "
            f"kennt nur Format {SCHEMA_VERSION}. Die Datei bleibt unverändert. quartier "
            "aktualisieren (pip install --upgrade quartier) und erneut ausführen.", path)
    if version < 1 or not set(TABLES) <= tables:
        raise StoreDamagedError(
            f"Der Fortschreibungsspeicher {path} ist unvollständig oder beschädigt "
            f"(Schemaformat {meta.get('schema_version')!r}, fehlende Tabellen: "
            f"{', '.join(sorted(set(TABLES) - tables)) or 'keine'}). Er wird nicht verändert. "
            f"{_RESTORE_HINT}", path)
    return True


def _check_integrity(connection: sqlite3.Connection, path: Path) -> None:
    """SQLite's ``quick_check`` (every page, record and constraint; not the index contents).

    A truncated or overwritten file can open and even list its editions while pages in the
    middle are gone; writing into it would bury the damage, so a store is checked before
    anything is written to it.
    """
    problems = [row[0] for row in connection.execute("PRAGMA quick_check(5)")]
    if problems != ["ok"]:
        raise StoreDamagedError(
            f"Der Fortschreibungsspeicher {path} ist beschädigt: SQLites Integritätsprüfung "
            f"meldet {'; '.join(map(str, problems))}. Er wird nicht verändert. {_RESTORE_HINT}",
            path)


_RESTORE_HINT = ("Die Datei aus einer Sicherung wiederherstellen oder mit --store (im Notebook "
                 "store=…) einen anderen Speicher wählen.")


def check_store_writable(store: str | Path) -> None:
    """Check that an edition can be stored in `store` now, without changing anything.

    :func:`quartier.report.publish.publish_edition` calls this before it computes or
    publishes anything. The checks, in this order:

    1. the folder exists and the path is not a folder;
    2. an existing file is a quartier edition store of a known schema version and passes
       SQLite's integrity check (``quick_check``);
    3. the file and its folder are writable (:func:`os.access`; SQLite writes a rollback
       journal ``<file>-journal`` beside the store, so the folder must be writable too);
    4. a real write: ``BEGIN IMMEDIATE`` (waits up to the busy timeout for another writer),
       a table created and the transaction rolled back. This also catches what
       :func:`os.access` cannot see, e.g. for ``root`` on a read-only mount. A missing store
       is probed by creating and deleting a temporary file in its folder.

    Parameters
    ----------
    store : str or Path
        The store file; it need not exist yet.

    Raises
    ------
    StoreDamagedError
        The file is not an edition store or fails the integrity check.
    StoreVersionError
        The store was written by a newer quartier version.
    StoreReadOnlyError
        The file or its folder is write-protected (the file itself is fine).
    StoreLockedError
        Another process is writing to the store (still after the busy timeout).
    StoreFullError
        The disk is full.
    StoreError
        The folder is missing, or the path is a folder.

    Examples
    --------
    >>> try:
    ...     check_store_writable("no-such-folder/musterstadt.editions.sqlite")
    ... except StoreError as error:
    ...     print(str(error)[:42])
    Der Ordner no-such-folder des Fortschreibu
    """
    path = Path(store)
    folder = path.parent
    if path.is_dir():
        raise StoreError(f"Der Fortschreibungsspeicher {path} ist ein Ordner, keine Datei. Mit "
                         "--store (im Notebook store=…) eine Datei angeben.", path)
    if not folder.is_dir():
        raise StoreError(
            f"Der Ordner {folder} des Fortschreibungsspeichers {path} existiert nicht (oder ist "
            "kein Ordner). Den Ordner anlegen oder mit --store (im Notebook store=…) einen "
            "anderen Speicher wählen.", path)
    if not path.exists():
        _probe_folder(path)
        return
    with _errors_as_store_error(path, writing=True):
        connection = _connect(path, create=False)
        assert connection is not None  # the file exists
        try:
            has_schema = _check_schema(connection, path)
            if has_schema:
                _check_integrity(connection, path)
            if not os.access(path, os.W_OK):
                raise StoreReadOnlyError(_read_only_message(path, "keine Schreibrechte für "
                                                                  "die Datei"), path)
            if not os.access(folder, os.W_OK | os.X_OK):
                raise StoreReadOnlyError(_read_only_message(path, "keine Schreibrechte für "
                                                                  "den Ordner", folder=True),
                                         path)
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("CREATE TABLE quartier_write_probe (x)")
        finally:
            if connection.in_transaction:
                try:
                    connection.execute("ROLLBACK")
                except sqlite3.Error:
                    pass  # closing rolls back as well
            connection.close()


def _probe_folder(path: Path) -> None:
    """Create and delete a temporary file beside the (missing) store."""
    try:
        handle, probe = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                         suffix=".probe")
        os.close(handle)
        os.unlink(probe)
    except OSError as exc:
        cause = exc.strerror or str(exc)
        if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
            raise StoreFullError(_full_message(path, cause), path) from exc
        if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            raise StoreReadOnlyError(_read_only_message(path, cause, folder=True),
                                     path) from exc
        raise StoreError(f"Der Fortschreibungsspeicher {path} lässt sich nicht anlegen "
                         f"({cause}). Ordner und Rechte prüfen oder mit --store (im Notebook "
                         "store=…) einen anderen Speicher wählen.", path) from exc


def _read_only_message(path: Path, cause: str, *, folder: bool = False) -> str:
    where = (f"der Ordner {path.parent} ist schreibgeschützt (dort legt SQLite beim Speichern "
             f"die Hilfsdatei {path.name}-journal an)" if folder
             else "die Datei lässt sich lesen, aber nicht ändern")
    what = "für den Ordner" if folder else "für die Datei (und ihren Ordner)"
    state = ("Die Datei ist nicht beschädigt; die gespeicherten Ausgaben bleiben erhalten. "
             if path.exists() else "")
    return (f"Der Fortschreibungsspeicher {path} ist schreibgeschützt: {where} ({cause}). "
            f"{state}Schreibrechte {what} geben, den Datenträger beschreibbar machen oder die "
            "Datei an einen beschreibbaren Ort kopieren und dort mit --store (im Notebook "
            "store=…) angeben.")


def _full_message(path: Path, cause: str) -> str:
    return (f"Im Fortschreibungsspeicher {path} ließ sich nichts speichern: Schreibfehler des "
            f"Datenträgers ({cause}), meist ist er voll oder die Dateigröße begrenzt. Der "
            "Schreibvorgang wurde zurückgenommen; die früher gespeicherten Ausgaben sind "
            "unverändert. Platz schaffen und erneut ausführen.")


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
def _errors_as_store_error(path: Path, *, writing: bool = False) -> Iterator[None]:
    """Turn :mod:`sqlite3` errors inside the block into a German :class:`StoreError`.

    The SQLite result code decides the subclass (:func:`_classify`): only a corrupt file or
    one that is no database is called damaged; a read-only, locked or full store is named as
    such. `writing` says whether the block writes (a read never locks the store for long).
    """
    try:
        yield
    except sqlite3.Error as exc:
        kind, message = _classify(exc, path, writing=writing)
        raise kind(message, path) from exc


def _classify(exc: sqlite3.Error, path: Path, *,
              writing: bool) -> tuple[type[StoreError], str]:
    """The :class:`StoreError` subclass and German message for a :mod:`sqlite3` error.

    Uses the extended result code (``sqlite_errorname``, Python 3.11) and, for errors
    raised without one, the message text.
    """
    text = str(exc)
    name = getattr(exc, "sqlite_errorname", None) or ""
    lowered = text.lower()
    if name == "SQLITE_READONLY_DIRECTORY":
        return StoreReadOnlyError, _read_only_message(path, text, folder=True)
    if name.startswith("SQLITE_READONLY") or "readonly" in lowered or "read-only" in lowered:
        only_folder = (os.access(path, os.W_OK)
                       and not os.access(path.parent, os.W_OK | os.X_OK))
        return StoreReadOnlyError, _read_only_message(path, text, folder=only_folder)
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in lowered \
            or "busy" in lowered:
        return StoreLockedError, (
            f"Der Fortschreibungsspeicher {path} ist gesperrt: ein anderer Vorgang "
            f"{'schreibt gerade hinein' if writing else 'hält ihn fest'} und ist nach "
            f"{_BUSY_TIMEOUT_S:g} s Warten nicht fertig ({text}). Die Datei ist nicht "
            "beschädigt. Warten, bis der andere Lauf (quartier report oder ein Notebook) "
            "fertig ist, und erneut versuchen.")
    if name.startswith(("SQLITE_FULL", "SQLITE_IOERR")) or "disk is full" in lowered \
            or "disk i/o" in lowered:
        return StoreFullError, _full_message(path, text)
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or "malformed" in lowered \
            or "not a database" in lowered:
        return StoreDamagedError, (
            f"Die Datei {path} ist kein lesbarer Fortschreibungsspeicher von quartier: keine "
            f"SQLite-Datenbank oder beschädigt ({text}). Sie wird nicht verändert. "
            f"{_RESTORE_HINT}")
    if name.startswith("SQLITE_CANTOPEN") or "unable to open" in lowered:
        return StoreError, (
            f"Der Fortschreibungsspeicher {path} lässt sich nicht öffnen ({text}). Ordner, "
            "Rechte und Pfad prüfen oder mit --store (im Notebook store=…) einen anderen "
            "Speicher wählen.")
    return StoreError, (f"Fehler im Fortschreibungsspeicher {path} ({name or 'SQLite'}: "
                        f"{text}). Die Datei wurde nicht verändert.")


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
