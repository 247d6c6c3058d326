"""What the edition store reads from a study besides its results: input checks, fingerprints.

:func:`check_inputs` makes sure a study and its results belong together,
:func:`input_fingerprints` hashes every input file (sha256, size, path relative to the config
folder), and :func:`config_text` / :func:`config_of` read the config behind a study.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from quartier.config import StudyConfig

__all__ = ["check_inputs", "config_of", "config_text", "input_fingerprints"]


def check_inputs(study: Any, results: Any) -> None:
    """Raise TypeError/ValueError unless `results` were computed for `study`."""
    for attribute in ("config", "quarters", "facilities", "edition"):
        if not hasattr(study, attribute):
            raise TypeError("study must be a quartier Study (from quartier.load_study), got "
                            f"{type(study).__name__}")
    for attribute in ("indicators", "gaps", "social_index"):
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


def input_fingerprints(config: StudyConfig) -> list[tuple[str, str, int | None, str | None]]:
    """``(dataset, path relative to the config folder, size, sha256)`` of every input file."""
    folder = config.path.parent
    files = [("config", config.path)]
    files += [(dataset.name, Path(p)) for dataset in _datasets(config) for p in dataset.paths]
    rows: list[tuple[str, str, int | None, str | None]] = []
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


def config_text(path: Path) -> str:
    """The config as read by :func:`quartier.config.read_config` (UTF-8, BOM dropped)."""
    return path.read_bytes().decode("utf-8-sig")


def config_of(value: Any) -> StudyConfig:
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
