"""Editions (Fortschreibungen) of a study: stored, listed and loaded back.

See :mod:`quartier.editions.store` for the store file and its tables.
"""

from quartier.editions.store import (
    SCHEMA_VERSION,
    STORE_SUFFIX,
    EditionExistsError,
    EditionInfo,
    EditionNotFoundError,
    StoredEdition,
    StoreError,
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
    "StoreError",
    "StoredEdition",
    "default_store_path",
    "list_editions",
    "load_edition",
    "store_edition",
]
