"""Sample data: the fictitious town Musterstadt.

:mod:`quartier.sample.musterstadt` writes a complete, invented study (boundaries, Zensus grid,
register, facilities of two editions, housing, social indicators, actors, measures and a
``quartier.toml``) for trying out and testing quartier. :func:`config_path` returns the
``quartier.toml`` of that study, generating the files first where needed.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

__all__ = ["config_path", "generate"]

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
    """
    from quartier.sample.musterstadt import generate as _generate

    return _generate(out_dir)
