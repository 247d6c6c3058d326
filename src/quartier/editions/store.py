"""The edition store: every edition (Fortschreibung) of a study in one SQLite file.

One file per study, beside its config: ``<config folder>/<study slug>.editions.sqlite``
(:func:`default_store_path`). :func:`store_edition` writes an edition, :func:`list_editions`
lists them and :func:`load_edition` reads one back exactly as it was stored.

Per edition (label, e.g. ``"2025"``) the store keeps

* the results of :func:`quartier.compute`: the tidy ``indicators`` table, the ``gaps`` and the
  social index (``results.social_index``, when computed; stored as table ``status``);
* the quarters (id, name, geometry as WKB; the CRS as WKT and EPSG code in the edition row);
* a snapshot of the facilities (every column, geometry as WKB);
* the config: the TOML text of the config file and the resolved edition;
* sha256 fingerprints of every input file (each path of each dataset, relative to the config
  folder, with its size), and of the config file itself;
* the creation time (UTC, ISO 8601) and the quartier version.

The tables (schema version :data:`SCHEMA_VERSION`) are described in
:mod:`quartier.editions._sqlite`, which also opens, checks and locks the file and names every
SQLite error; :mod:`quartier.editions._codec` turns frames into rows and back, and
:mod:`quartier.editions._inputs` checks the inputs and fingerprints the input files.

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
anything; :func:`quartier.publish.publish_edition` calls it before computing.

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
import os
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd

from quartier import __version__
from quartier._paths import inside
from quartier.editions._codec import TABLES, encode_frame, read_frame, write_frame
from quartier.editions._inputs import check_inputs, config_of, config_text, input_fingerprints
from quartier.editions._sqlite import (
    EDITION_COLUMNS,
    SCHEMA_VERSION,
    check_integrity,
    check_schema,
    connect,
    errors_as_store_error,
    prepare_schema,
    probe_folder,
    read_only_message,
)
from quartier.editions.errors import (
    EditionExistsError,
    EditionNotFoundError,
    StoreDamagedError,
    StoreError,
    StoreFullError,
    StoreLockedError,
    StoreReadOnlyError,
    StoreVersionError,
)
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

#: File name ending of an edition store.
STORE_SUFFIX = ".editions.sqlite"

_LIST_COLUMNS = ["label", "created", "version", "study_name", "n_quarters", "n_facilities",
                 "n_indicator_rows", "n_gap_rows", "has_status", "config_file"]


# --------------------------------------------------------------------------------------------
# public types


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
    config = config_of(study_or_config)
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
    check_inputs(study, results)
    config = study.config
    label = str(study.edition)
    quarters = study.quarters
    crs = quarters.crs
    # Everything is read and encoded before the transaction, which then only writes.
    frames = [("indicators", results.indicators), ("gaps", results.gaps),
              ("status", results.social_index), ("quarters", quarters),
              ("facilities", study.facilities)]
    encoded = {name: encode_frame(name, frame) for name, frame in frames if frame is not None}
    fingerprints = input_fingerprints(config)
    created = _dt.datetime.now(_dt.UTC)
    edition_row = {
        "label": label, "created": created.isoformat(timespec="microseconds"),
        "quartier_version": __version__, "study_name": config.name,
        "edition": str(config.edition), "config_file": config.path.name,
        "config_path": str(config.path), "config_text": config_text(config.path),
        "crs_wkt": crs.to_wkt() if crs is not None else None,
        "crs_epsg": crs.to_epsg() if crs is not None else None,
        "n_quarters": len(quarters), "n_facilities": len(study.facilities),
        "n_indicator_rows": len(results.indicators), "n_gap_rows": len(results.gaps),
        "has_status": int(results.social_index is not None),
    }

    with errors_as_store_error(path, writing=True):
        connection = connect(path, create=True)
        assert connection is not None  # create=True never returns None
        try:
            connection.execute("BEGIN IMMEDIATE")
            if check_schema(connection, path):
                check_integrity(connection, path)  # never write into a damaged file
            prepare_schema(connection, path)
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
                f"INSERT INTO editions ({', '.join(EDITION_COLUMNS)}) VALUES "
                f"({', '.join('?' * len(EDITION_COLUMNS))})",
                tuple(edition_row[c] for c in EDITION_COLUMNS))
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
    with errors_as_store_error(path):
        connection = connect(path, create=False)
        if connection is not None:
            try:
                if check_schema(connection, path):
                    cursor = connection.execute(f"SELECT {', '.join(EDITION_COLUMNS)} "
                                                "FROM editions")
                    rows = [dict(zip(EDITION_COLUMNS, row)) for row in cursor]
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
    with errors_as_store_error(path):
        connection = connect(path, create=False)
        if connection is None:
            raise EditionNotFoundError(
                f"Die Ausgabe {label} gibt es nicht: der Fortschreibungsspeicher {path} "
                "existiert (noch) nicht, es ist also keine Ausgabe gespeichert.", label, (), path)
        try:
            # One read transaction, so that a concurrent writer cannot slip in between.
            connection.execute("BEGIN")
            has_schema = check_schema(connection, path)
            row = (connection.execute(f"SELECT {', '.join(EDITION_COLUMNS)} FROM editions "
                                      "WHERE label = ?", (label,)).fetchone()
                   if has_schema else None)
            if row is None:
                available = (sorted((r[0] for r in connection.execute(
                    "SELECT label FROM editions")), key=_label_key) if has_schema else [])
                listed = ", ".join(available) if available else "noch keine"
                raise EditionNotFoundError(
                    f"Die Ausgabe {label} gibt es im Fortschreibungsspeicher {path} nicht. "
                    f"Gespeicherte Ausgaben: {listed}.", label, available, path)
            edition_row = dict(zip(EDITION_COLUMNS, row))
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


def check_store_writable(store: str | Path) -> None:
    """Check that an edition can be stored in `store` now, without changing anything.

    :func:`quartier.publish.publish_edition` calls this before it computes or
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
        probe_folder(path)
        return
    with errors_as_store_error(path, writing=True):
        connection = connect(path, create=False)
        assert connection is not None  # the file exists
        try:
            has_schema = check_schema(connection, path)
            if has_schema:
                check_integrity(connection, path)
            if not os.access(path, os.W_OK):
                raise StoreReadOnlyError(read_only_message(path, "keine Schreibrechte für "
                                                                  "die Datei"), path)
            if not os.access(folder, os.W_OK | os.X_OK):
                raise StoreReadOnlyError(read_only_message(path, "keine Schreibrechte für "
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


# --------------------------------------------------------------------------------------------
# test hook


def _checkpoint(stage: str, connection: sqlite3.Connection) -> None:
    """Called inside the write transaction after each step; does nothing (see module notes)."""


# --------------------------------------------------------------------------------------------
# small helpers


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
