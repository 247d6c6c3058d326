"""Atomic writes: a file appears whole or not at all.

Every writer of quartier (report pages, CSV files, the Excel workbook and the GeoPackage, the
internal partner register, the walking-network cache) writes under a hidden temporary name
beside its target and renames it onto the target with :func:`os.replace` only when the file is
complete. The rename is atomic on one file system, so an interrupted run (an error, Ctrl+C, a
full disk) leaves the previous file untouched and no temporary file behind.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

__all__ = ["atomic_path", "atomic_stream", "remove_temporary", "replace_file",
           "temporary_beside", "write_text_atomic"]

#: Files SQLite (and so GDAL's GeoPackage driver) may leave beside a database.
_SQLITE_SIDE_FILES = ("-journal", "-wal", "-shm")


def temporary_beside(target: Path) -> Path:
    """A hidden, unused name beside ``target`` that keeps its extension (GDAL checks it).

    The file is not created: some writers (GDAL) refuse to write into an existing empty file.
    A new file gets the permissions the umask allows, like any file the user creates.

    Examples
    --------
    >>> name = temporary_beside(Path("out/tabelle.csv")).name
    >>> name.startswith(".tabelle.") and name.endswith(".tmp.csv")
    True
    """
    target = Path(target)
    return target.with_name(f".{target.stem}.{uuid.uuid4().hex[:12]}.tmp{target.suffix}")


def remove_temporary(path: Path) -> None:
    """Remove a temporary file and any SQLite side files beside it; missing ones are fine.

    Examples
    --------
    >>> remove_temporary(Path("/nonexistent/.x.tmp.gpkg"))  # nothing there: no error
    """
    path = Path(path)
    for candidate in (path, *(path.with_name(path.name + side) for side in _SQLITE_SIDE_FILES)):
        candidate.unlink(missing_ok=True)


def replace_file(temporary: Path, target: Path) -> None:
    """Rename ``temporary`` onto ``target`` (:func:`os.replace`, atomic on one file system).

    Raises
    ------
    PermissionError
        If ``target`` is locked (open in Excel or QGIS on Windows); the message names it.
    """
    try:
        os.replace(temporary, target)
    except PermissionError as exc:
        raise PermissionError(f"{target} kann nicht ersetzt werden; die Datei ist vermutlich "
                              "in Excel oder QGIS geöffnet. Bitte schließen und erneut "
                              "starten.") from exc


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A temporary path to write ``target`` to; renamed onto ``target`` when the block ends.

    If the block raises, ``target`` is left as it was and the temporary file is removed.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     target = Path(folder) / "a.txt"
    ...     with atomic_path(target) as temporary:
    ...         _ = temporary.write_text("neu")
    ...         seen_during = target.exists()
    ...     print(seen_during, target.read_text(), sorted(p.name for p in Path(folder).iterdir()))
    False neu ['a.txt']
    """
    target = Path(target)
    temporary = temporary_beside(target)
    try:
        yield temporary
        replace_file(temporary, target)
    finally:
        remove_temporary(temporary)


@contextmanager
def atomic_stream(target: Path, mode: str = "w", **open_arguments: Any) -> Iterator[IO]:
    """An open file (``mode`` and ``open_arguments`` as for :func:`open`) that replaces
    ``target`` when the block ends without an error.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     target = Path(folder) / "b.bin"
    ...     with atomic_stream(target, "wb") as stream:
    ...         _ = stream.write(b"\\x00\\x01")
    ...     target.read_bytes()
    b'\\x00\\x01'
    """
    with atomic_path(target) as temporary, open(temporary, mode, **open_arguments) as stream:
        yield stream


def write_text_atomic(path: Path, text: str, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` (its folder created if needed) through an atomic rename.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     page = Path(folder) / "neu" / "index.html"
    ...     write_text_atomic(page, "<p>Bericht</p>")
    ...     page.read_text(encoding="utf-8")
    '<p>Bericht</p>'
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_stream(path, "w", encoding=encoding) as stream:
        stream.write(text)
