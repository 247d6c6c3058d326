"""Where a dataset's data come from: a local file, a member of a ZIP archive or a GDAL source.

A ``path`` in ``quartier.toml`` is normally a local file. Two other kinds are read as they are:

* a ZIP archive as downloaded (``daten.zip``): the member named with ``member = "…"`` or, when
  none is named, the only data file inside (:func:`zip_member`);
* a GDAL connection string such as ``PG:dbname=stadt`` or ``WFS:https://…`` (anything that
  starts with a driver prefix of two or more letters and a colon, see :func:`is_gdal_source`):
  passed to GDAL unchanged; passwords are masked wherever the source is shown
  (:func:`shown_source`).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path, PurePosixPath

from quartier.errors import QuartierError

__all__ = ["SourceError", "is_gdal_source", "shown_source", "zip_member", "read_zip_member",
           "vsizip_path", "zip_names", "ZIP_TABLE_SUFFIXES", "ZIP_VECTOR_SUFFIXES", "GDAL_PREFIX"]

#: A GDAL connection prefix: two or more letters/digits and a colon (``PG:``, ``WFS:``,
#: ``GPKG:``, ``OAPIF:``, ``MSSQL:`` …) or a GDAL virtual file system (``/vsicurl/``). A single
#: letter and colon is a Windows drive (``C:``), not a prefix.
GDAL_PREFIX = re.compile(r"^(?:[A-Za-z][A-Za-z0-9_]+:|/vsi[a-z0-9_]+/)")

ZIP_TABLE_SUFFIXES = (".csv", ".tsv", ".xlsx", ".xlsm", ".xls", ".ods")
ZIP_VECTOR_SUFFIXES = (".shp", ".gpkg", ".geojson", ".fgb", ".gml", ".kml")

_PASSWORD = re.compile(r"(password\s*=\s*)('[^']*'|\S+)", re.IGNORECASE)
_URL_CREDENTIALS = re.compile(r"(://)[^/@\s]+@")


class SourceError(QuartierError, ValueError):
    """A source that cannot be opened as configured (German message naming what to do)."""


def is_gdal_source(text: str | Path) -> bool:
    """True for a GDAL connection string or virtual path (not a local file name).

    Examples
    --------
    >>> is_gdal_source("PG:dbname=stadt"), is_gdal_source("WFS:https://geo.example/wfs")
    (True, True)
    >>> is_gdal_source("C:/daten/quartiere.gpkg"), is_gdal_source("quartiere.gpkg")
    (False, False)
    """
    return bool(GDAL_PREFIX.match(str(text)))


def shown_source(text: str) -> str:
    """The source as shown in messages and stored with an edition: passwords masked.

    Examples
    --------
    >>> shown_source("PG:host=db dbname=stadt password=geheim")
    'PG:host=db dbname=stadt password=***'
    >>> shown_source("WFS:https://nutzer:geheim@geo.example/wfs")
    'WFS:https://***@geo.example/wfs'
    """
    return _URL_CREDENTIALS.sub(r"\1***@", _PASSWORD.sub(r"\1***", text))


def _data_members(names: list[str]) -> list[str]:
    return [n for n in names if not n.endswith("/") and not n.startswith("__MACOSX/")
            and not PurePosixPath(n).name.startswith(".")]


def zip_member(path: Path, member: str | None, suffixes: tuple[str, ...]) -> str:
    """The member of a ZIP archive to read.

    Parameters
    ----------
    path : Path
        The archive.
    member : str, optional
        The member named in the config (``member = "…"``): its full name inside the archive
        or, when that is unique, only its file name; compared without case.
    suffixes : tuple of str
        File endings that count as data when no member is named (tables or vector files).

    Raises
    ------
    SourceError
        When the archive cannot be opened, the named member is missing, or no or several
        candidates are inside (the message lists them).
    """
    try:
        with zipfile.ZipFile(path) as archive:
            names = _data_members(archive.namelist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise SourceError(f"{path} ist kein lesbares ZIP-Archiv ({exc}).") from exc
    listing = ", ".join(names) if names else "(leer)"
    if member is not None:
        wanted = str(member).strip().casefold()
        hits = [n for n in names if n.casefold() == wanted] or \
            [n for n in names if PurePosixPath(n).name.casefold() == wanted]
        if len(hits) == 1:
            return hits[0]
        raise SourceError(f"Die Datei '{member}' ist nicht (eindeutig) im ZIP-Archiv {path}. "
                          f"Enthalten sind: {listing}.")
    candidates = [n for n in names if PurePosixPath(n).suffix.lower() in suffixes]
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise SourceError(f"Das ZIP-Archiv {path} enthält keine lesbare Datei "
                          f"({', '.join(suffixes)}). Enthalten sind: {listing}.")
    raise SourceError(f"Das ZIP-Archiv {path} enthält mehrere Dateien, die in Frage kommen: "
                      f"{', '.join(candidates)}. Mit member = \"…\" die gemeinte angeben.")


def read_zip_member(path: Path, member: str) -> bytes:
    """The bytes of one member of a ZIP archive."""
    try:
        with zipfile.ZipFile(path) as archive:
            return archive.read(member)
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError) as exc:
        raise SourceError(f"'{member}' im ZIP-Archiv {path} lässt sich nicht lesen "
                          f"({exc}).") from exc


def zip_names(path: Path) -> list[str]:
    """Names of the members of a ZIP archive (empty when it cannot be opened)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return []


def vsizip_path(path: Path, member: str) -> str:
    """The GDAL path of a member of a ZIP archive (``/vsizip/…/member``)."""
    return f"/vsizip/{Path(path).resolve().as_posix()}/{member}"
