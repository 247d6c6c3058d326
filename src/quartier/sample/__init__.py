"""Sample data: the fictitious town Musterstadt.

:mod:`quartier.sample.musterstadt` writes a complete, invented study (boundaries, Zensus grid,
register, facilities of two editions, housing, social indicators, actors, measures and a
``quartier.toml``) for trying out and testing quartier. :func:`config_path` returns the
``quartier.toml`` of that study, generating the files first where needed.
"""

from __future__ import annotations

import tempfile
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from quartier.compute import Results
    from quartier.study import Study

__all__ = ["config_path", "generate", "sample_results", "sample_study"]

_REPO_SAMPLE = Path(__file__).resolve().parents[3] / "data" / "sample"


def config_path(out_dir: str | Path | None = None) -> Path:
    """Path of the Musterstadt study configuration.

    Parameters
    ----------
    out_dir : str or pathlib.Path, optional
        Folder to generate the sample into. Without it, the committed copy in the repository's
        ``data/sample`` is used when present (a source checkout), otherwise the files are
        generated into a fresh temporary folder.

    Returns
    -------
    pathlib.Path
        The ``quartier.toml`` of the sample study.

    Examples
    --------
    >>> from quartier.sample import config_path
    >>> config_path().name
    'quartier.toml'
    """
    from quartier.sample.musterstadt import FILES

    if out_dir is None:
        committed = _REPO_SAMPLE / "quartier.toml"
        if all((_REPO_SAMPLE / name).exists() for name in FILES):
            return committed
        out_dir = tempfile.mkdtemp(prefix="musterstadt-")
    target = Path(out_dir)
    generate(target)
    return target / "quartier.toml"


@lru_cache(maxsize=1)
def sample_study() -> Study:
    """The Musterstadt study (edition 2025), loaded once per process.

    For examples and experiments; the object is shared, so do not change its frames in place
    (use ``.copy()``).

    Returns
    -------
    quartier.Study

    Examples
    --------
    >>> from quartier.sample import sample_study
    >>> study = sample_study()
    >>> study.name, study.edition, len(study.quarters)
    ('Musterstadt', '2025', 7)
    >>> sample_study() is study
    True
    """
    from quartier.study import load_study

    return load_study(config_path())


@lru_cache(maxsize=1)
def sample_results() -> Results:
    """What :func:`quartier.compute` returns for :func:`sample_study`, computed once.

    Returns
    -------
    quartier.Results

    Examples
    --------
    >>> from quartier.sample import sample_results
    >>> results = sample_results()
    >>> sorted(results.social_index.index)
    ['01', '02', '03', '04', '05', '06', '07']
    >>> int((results.gaps["status"] == "gap").sum())
    18
    """
    from quartier.compute import compute

    return compute(sample_study())


def generate(out_dir: str | Path) -> list[Path]:
    """Write the Musterstadt sample files into a folder.

    Parameters
    ----------
    out_dir : str or pathlib.Path
        Target folder; created if missing.

    Returns
    -------
    list of pathlib.Path
        The written files. See :func:`quartier.sample.musterstadt.generate`.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from quartier.sample import generate
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     names = sorted(p.name for p in generate(folder))
    >>> "quartier.toml" in names
    True
    """
    from quartier.sample.musterstadt import generate as _generate

    return _generate(out_dir)
