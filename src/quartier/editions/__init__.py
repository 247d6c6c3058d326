"""Editions (Fortschreibungen) of a study: stored, listed and loaded back.

See :mod:`quartier.editions.store` for the store file and its tables.
"""

from quartier.editions.store import (
    SCHEMA_VERSION,
    STORE_SUFFIX,
    EditionExistsError,
    EditionInfo,
    EditionNotFoundError,
    StoreDamagedError,
    StoredEdition,
    StoreError,
    StoreFullError,
    StoreLockedError,
    StoreReadOnlyError,
    StoreVersionError,
    check_store_writable,
    default_store_path,
    list_editions,
    load_edition,
    store_edition,
)

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
