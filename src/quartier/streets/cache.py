"""A built walking network cached on disk, so that the yearly run does not rebuild it.

The cache key is the SHA-256 of the extract together with the working CRS, the clip box, the
mode and the version of the cache format: a changed extract (or any changed parameter) gets a
new key and is built again. Each entry is one ``.npz`` (node coordinates and the CSR arrays)
and one small JSON with what it was built from.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
import pyproj
import scipy.sparse

from quartier._atomic import atomic_stream
from quartier.streets.graph import WalkingNetwork, build_walking_network

__all__ = ["file_sha256", "load_walking_network"]

# bump when the graph built from the same file and parameters changes (rules, format)
_CACHE_VERSION = 1
_BLOCK = 1 << 20


def file_sha256(path: str | Path) -> str:
    """Hex SHA-256 of a file's contents, read in 1 MiB blocks.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "abc.txt"
    ...     _ = path.write_bytes(b"abc")
    ...     digest = file_sha256(path)
    >>> digest[:16]  # the published SHA-256 test vector of "abc"
    'ba7816bf8f01cfea'
    """
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while block := stream.read(_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def _cache_key(sha256: str, crs: pyproj.CRS, bbox: Any, mode: str) -> str:
    parameters = {
        "version": _CACHE_VERSION,
        "sha256": sha256,
        "crs": crs.to_wkt(),
        "bbox": None if bbox is None else [float(v) for v in bbox],
        "mode": mode,
    }
    text = json.dumps(parameters, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def load_walking_network(
    path: str | Path,
    crs: Any,
    bbox: tuple[float, float, float, float] | None = None,
    mode: str = "walk",
    cache_dir: str | Path | None = None,
) -> WalkingNetwork:
    """The walking network of an extract, from the cache when it was built before.

    Parameters
    ----------
    path, crs, bbox, mode
        As :func:`~quartier.streets.graph.build_walking_network`.
    cache_dir : str, Path or None
        Folder for the cache (created when missing); None builds without caching.

    Returns
    -------
    WalkingNetwork
        Identical arrays whether built or read from the cache.

    Notes
    -----
    Files: ``walk-<key>.npz`` and ``walk-<key>.json`` with
    ``key = SHA-256(version, SHA-256(file), CRS as WKT, bbox, mode)[:24]``. Entries are written
    to a temporary file and renamed, so an interrupted run leaves no half-written entry. An
    unreadable entry is rebuilt. Old entries are not removed.

    Examples
    --------
    The first call builds the network and stores it under ``cache_dir`` (keyed by the extract's
    SHA-256, the bounding box and the mode); later calls read it back in a fraction of the time:

    >>> net = load_walking_network("heidelberg.osm.pbf", "EPSG:25832",
    ...                            cache_dir=".quartier-cache")  # doctest: +SKIP
    """
    work_crs = pyproj.CRS.from_user_input(crs)
    if cache_dir is None:
        return build_walking_network(path, work_crs, bbox, mode)
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"OpenStreetMap-Auszug {path} nicht gefunden.")
    sha256 = file_sha256(path)
    key = _cache_key(sha256, work_crs, bbox, mode)
    cache_dir = Path(cache_dir)
    arrays_file = cache_dir / f"{mode}-{key}.npz"
    meta_file = cache_dir / f"{mode}-{key}.json"
    cached = _read_entry(arrays_file, meta_file, work_crs)
    if cached is not None:
        return cached
    network = build_walking_network(path, work_crs, bbox, mode)
    cache_dir.mkdir(parents=True, exist_ok=True)
    _write_entry(network, arrays_file, meta_file, {
        "source": network.source, "sha256": sha256, "mode": mode,
        "bbox": None if bbox is None else [float(v) for v in bbox],
        "crs": work_crs.to_wkt(), "dropped_nodes": network.dropped_nodes,
        "nodes": network.n_nodes, "edges": network.n_edges, "version": _CACHE_VERSION,
    })
    return network


def _read_entry(arrays_file: Path, meta_file: Path, crs: pyproj.CRS) -> WalkingNetwork | None:
    if not (arrays_file.is_file() and meta_file.is_file()):
        return None
    try:
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
        with np.load(arrays_file, allow_pickle=False) as arrays:
            x, y = arrays["x"], arrays["y"]
            graph = scipy.sparse.csr_matrix(
                (arrays["data"], arrays["indices"], arrays["indptr"]), shape=(len(x), len(x))
            )
        return WalkingNetwork(x, y, graph, crs, str(meta["source"]), int(meta["dropped_nodes"]))
    except (OSError, ValueError, KeyError, json.JSONDecodeError):
        return None


def _write_entry(network: WalkingNetwork, arrays_file: Path, meta_file: Path,
                 meta: dict[str, Any]) -> None:
    _atomic_write(arrays_file, lambda stream: np.savez(
        stream, x=network.x, y=network.y, data=network.graph.data,
        indices=network.graph.indices, indptr=network.graph.indptr))
    _atomic_write(meta_file, lambda stream: stream.write(
        json.dumps(meta, indent=1, ensure_ascii=False).encode("utf-8")))


def _atomic_write(target: Path, write: Any) -> None:
    with atomic_stream(target, "wb") as stream:
        write(stream)
