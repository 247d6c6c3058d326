"""The SQLite side of the edition store: schema, connections, locking and German error messages.

:func:`connect` opens a store (rollback journal, ``synchronous = FULL``, a busy timeout of
:data:`BUSY_TIMEOUT_S` seconds for the write lock), :func:`check_schema` and
:func:`check_integrity` decide whether a file is an intact quartier store,
:func:`prepare_schema` creates the tables, and :func:`errors_as_store_error` turns every
:mod:`sqlite3` error into the :class:`~quartier.editions.errors.StoreError` subclass that names
its cause. How a DataFrame becomes rows is in :mod:`quartier.editions._codec`; the public
functions are in :mod:`quartier.editions.store`.

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
"""

from __future__ import annotations

import errno
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from quartier import __version__
from quartier.editions._codec import TABLES
from quartier.editions.errors import (
    StoreDamagedError,
    StoreError,
    StoreFullError,
    StoreLockedError,
    StoreReadOnlyError,
    StoreVersionError,
)

__all__ = [
    "APPLICATION",
    "BUSY_TIMEOUT_S",
    "EDITION_COLUMNS",
    "RESTORE_HINT",
    "SCHEMA_VERSION",
    "check_integrity",
    "check_schema",
    "connect",
    "errors_as_store_error",
    "full_message",
    "prepare_schema",
    "probe_folder",
    "read_only_message",
]

#: Version of the table layout written by this module.
SCHEMA_VERSION = 1
#: ``meta.application`` of a quartier edition store.
APPLICATION = "quartier.editions"
#: Seconds a connection waits for another writer's lock before giving up.
BUSY_TIMEOUT_S = 30.0

#: Columns of the ``editions`` table, in insert order.
EDITION_COLUMNS = ("label", "created", "quartier_version", "study_name", "edition",
                   "config_file", "config_path", "config_text", "crs_wkt", "crs_epsg",
                   "n_quarters", "n_facilities", "n_indicator_rows", "n_gap_rows",
                   "has_status")


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
# connections, checks and errors


def connect(path: Path, *, create: bool) -> sqlite3.Connection | None:
    """Open the store in autocommit mode (transactions are explicit); ``None`` if missing."""
    if not create and not path.is_file():
        return None
    uri = f"{path.resolve().as_uri()}?mode={'rwc' if create else 'rw'}"
    try:
        connection = sqlite3.connect(uri, uri=True, isolation_level=None,
                                     timeout=BUSY_TIMEOUT_S)
    except sqlite3.OperationalError:
        if create:
            raise
        # A read-only file (e.g. on a write-protected medium) can still be read.
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True,
                                     isolation_level=None, timeout=BUSY_TIMEOUT_S)
    try:
        connection.execute("PRAGMA foreign_keys = ON")
        if create:
            connection.execute("PRAGMA journal_mode = DELETE")
            connection.execute("PRAGMA synchronous = FULL")
    except sqlite3.Error:
        connection.close()
        raise
    return connection


def check_schema(connection: sqlite3.Connection, path: Path) -> bool:
    """Check that the file is a quartier edition store; ``False`` for an empty database."""
    tables = {row[0] for row in connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not tables:
        return False
    meta = (dict(connection.execute("SELECT key, value FROM meta").fetchall())
            if "meta" in tables else {})
    if meta.get("application") != APPLICATION:
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
            f"{RESTORE_HINT}", path)
    return True


def check_integrity(connection: sqlite3.Connection, path: Path) -> None:
    """SQLite's ``quick_check`` (every page, record and constraint; not the index contents).

    A truncated or overwritten file can open and even list its editions while pages in the
    middle are gone; writing into it would bury the damage, so a store is checked before
    anything is written to it.
    """
    problems = [row[0] for row in connection.execute("PRAGMA quick_check(5)")]
    if problems != ["ok"]:
        raise StoreDamagedError(
            f"Der Fortschreibungsspeicher {path} ist beschädigt: SQLites Integritätsprüfung "
            f"meldet {'; '.join(map(str, problems))}. Er wird nicht verändert. {RESTORE_HINT}",
            path)


RESTORE_HINT = ("Die Datei aus einer Sicherung wiederherstellen oder mit --store (im Notebook "
                 "store=…) einen anderen Speicher wählen.")


def probe_folder(path: Path) -> None:
    """Create and delete a temporary file beside the (missing) store."""
    try:
        handle, probe = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                         suffix=".probe")
        os.close(handle)
        os.unlink(probe)
    except OSError as exc:
        cause = exc.strerror or str(exc)
        if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
            raise StoreFullError(full_message(path, cause), path) from exc
        if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            raise StoreReadOnlyError(read_only_message(path, cause, folder=True),
                                     path) from exc
        raise StoreError(f"Der Fortschreibungsspeicher {path} lässt sich nicht anlegen "
                         f"({cause}). Ordner und Rechte prüfen oder mit --store (im Notebook "
                         "store=…) einen anderen Speicher wählen.", path) from exc


def read_only_message(path: Path, cause: str, *, folder: bool = False) -> str:
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


def full_message(path: Path, cause: str) -> str:
    return (f"Im Fortschreibungsspeicher {path} ließ sich nichts speichern: Schreibfehler des "
            f"Datenträgers ({cause}), meist ist er voll oder die Dateigröße begrenzt. Der "
            "Schreibvorgang wurde zurückgenommen; die früher gespeicherten Ausgaben sind "
            "unverändert. Platz schaffen und erneut ausführen.")


def prepare_schema(connection: sqlite3.Connection, path: Path) -> None:
    """Create the tables in an empty database (inside the caller's transaction)."""
    if check_schema(connection, path):
        return
    for statement in _schema_statements():
        connection.execute(statement)
    connection.executemany("INSERT INTO meta (key, value) VALUES (?, ?)",
                           [("application", APPLICATION),
                            ("schema_version", str(SCHEMA_VERSION)),
                            ("created_with", __version__)])


@contextmanager
def errors_as_store_error(path: Path, *, writing: bool = False) -> Iterator[None]:
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
        return StoreReadOnlyError, read_only_message(path, text, folder=True)
    if name.startswith("SQLITE_READONLY") or "readonly" in lowered or "read-only" in lowered:
        only_folder = (os.access(path, os.W_OK)
                       and not os.access(path.parent, os.W_OK | os.X_OK))
        return StoreReadOnlyError, read_only_message(path, text, folder=only_folder)
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in lowered \
            or "busy" in lowered:
        return StoreLockedError, (
            f"Der Fortschreibungsspeicher {path} ist gesperrt: ein anderer Vorgang "
            f"{'schreibt gerade hinein' if writing else 'hält ihn fest'} und ist nach "
            f"{BUSY_TIMEOUT_S:g} s Warten nicht fertig ({text}). Die Datei ist nicht "
            "beschädigt. Warten, bis der andere Lauf (quartier report oder ein Notebook) "
            "fertig ist, und erneut versuchen.")
    if name.startswith(("SQLITE_FULL", "SQLITE_IOERR")) or "disk is full" in lowered \
            or "disk i/o" in lowered:
        return StoreFullError, full_message(path, text)
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or "malformed" in lowered \
            or "not a database" in lowered:
        return StoreDamagedError, (
            f"Die Datei {path} ist kein lesbarer Fortschreibungsspeicher von quartier: keine "
            f"SQLite-Datenbank oder beschädigt ({text}). Sie wird nicht verändert. "
            f"{RESTORE_HINT}")
    if name.startswith("SQLITE_CANTOPEN") or "unable to open" in lowered:
        return StoreError, (
            f"Der Fortschreibungsspeicher {path} lässt sich nicht öffnen ({text}). Ordner, "
            "Rechte und Pfad prüfen oder mit --store (im Notebook store=…) einen anderen "
            "Speicher wählen.")
    return StoreError, (f"Fehler im Fortschreibungsspeicher {path} ({name or 'SQLite'}: "
                        f"{text}). Die Datei wurde nicht verändert.")
