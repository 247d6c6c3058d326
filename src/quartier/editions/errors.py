"""The errors of the edition store, each with a German message that names file, cause and remedy.

:class:`StoreError` and its subclasses say why a store file cannot be used (damaged, newer
schema, read-only, locked, full); :class:`EditionExistsError` and
:class:`EditionNotFoundError` are about one edition label. All are :class:`QuartierError` objects
and are re-exported by :mod:`quartier.editions.store` and :mod:`quartier.editions`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from quartier.errors import QuartierError

__all__ = [
    "EditionExistsError",
    "EditionNotFoundError",
    "StoreDamagedError",
    "StoreError",
    "StoreFullError",
    "StoreLockedError",
    "StoreReadOnlyError",
    "StoreVersionError",
]


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
