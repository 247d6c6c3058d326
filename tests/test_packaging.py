"""Packaging: one exception base, one version, a lean core install, shipped notebooks, and no
global Matplotlib backend switch."""

from __future__ import annotations

import importlib
import inspect
import json
import os
import pkgutil
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

from click.testing import CliRunner

import quartier
from quartier import QuartierError
from quartier.cli import cli

PROJECT = Path(__file__).resolve().parents[1]
PACKAGE = PROJECT / "src" / "quartier"
PYPROJECT = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))
NOTEBOOK_PACKAGES = ("jupyter", "notebook", "ipykernel", "IPython", "papermill", "nbformat",
                     "nbclient")
OPTIONAL = ("dask", "distributed", "dask_geopandas", "osmium")


def _all_modules() -> list:
    """Every module of the package, skipping those whose optional extra is not installed."""
    modules = []
    for info in pkgutil.walk_packages(quartier.__path__, "quartier."):
        try:
            modules.append(importlib.import_module(info.name))
        except ModuleNotFoundError as exc:
            if exc.name and exc.name.split(".")[0] in OPTIONAL:
                continue
            raise
    return modules


def _requirement_names(requirements: list[str]) -> set[str]:
    return {req.split(";")[0].split("[")[0].split(">")[0].split("=")[0].split("<")[0].strip()
            .lower() for req in requirements}


def test_every_exception_quartier_defines_is_a_quartier_error():
    found = {}
    for module in _all_modules():
        for value in vars(module).values():
            if (inspect.isclass(value) and issubclass(value, BaseException)
                    and value.__module__.startswith("quartier")):
                found[f"{value.__module__}.{value.__qualname__}"] = value
    # the ones known when the base was introduced must all be found by the walk
    for known in ("quartier.validation.StudyError", "quartier.editions.errors.StoreError",
                  "quartier.editions.errors.EditionNotFoundError", "quartier.load.tables."
                  "TableReadError", "quartier.publish.ReportFolderError"):
        assert known in found
    outside = sorted(name for name, cls in found.items() if not issubclass(cls, QuartierError))
    assert outside == []


def test_exceptions_keep_their_builtin_bases():
    from quartier.editions.store import EditionNotFoundError, StoreLockedError
    from quartier.validation import StudyError

    assert issubclass(StudyError, ValueError)
    assert issubclass(EditionNotFoundError, KeyError)
    assert issubclass(StoreLockedError, QuartierError)
    assert "QuartierError" in quartier.__all__


def test_version_lives_in_one_place():
    assert "version" not in PYPROJECT["project"]
    assert "version" in PYPROJECT["project"]["dynamic"]
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["version"] == {
        "attr": "quartier.__version__"}
    changelog = (PROJECT / "CHANGELOG.md").read_text(encoding="utf-8")
    first_heading = next(line for line in changelog.splitlines() if line.startswith("## "))
    assert first_heading == f"## {quartier.__version__}"


def test_license_and_type_marker_are_shipped():
    assert PYPROJECT["project"]["license"] == "MIT"
    assert (PROJECT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    assert (PACKAGE / "py.typed").is_file()
    package_data = PYPROJECT["tool"]["setuptools"]["package-data"]["quartier"]
    assert "py.typed" in package_data
    assert "notebooks/*.ipynb" in package_data


def test_core_install_has_no_jupyter_and_the_extras_bring_it():
    core = _requirement_names(PYPROJECT["project"]["dependencies"])
    assert core.isdisjoint({name.lower() for name in NOTEBOOK_PACKAGES})
    extras = PYPROJECT["project"]["optional-dependencies"]
    assert {"jupyter", "papermill"} <= _requirement_names(extras["notebooks"])
    # the notebook tests need papermill and a kernel: the test extra pulls the notebooks extra
    assert "quartier[notebooks]" in extras["test"]


def test_folium_lower_bound_has_folium_template():
    """folium 0.16 has no ``folium.template`` (imported by the interactive maps); 0.17 has."""
    (folium,) = [req for req in PYPROJECT["project"]["dependencies"]
                 if req.startswith("folium")]
    assert folium == "folium>=0.17"
    source = (PACKAGE / "maps" / "elements.py").read_text(encoding="utf-8")
    assert "folium.template" in source


def test_importing_quartier_imports_no_notebook_machinery():
    code = textwrap.dedent(f"""
        import importlib, pkgutil, sys
        import quartier
        for info in pkgutil.walk_packages(quartier.__path__, "quartier."):
            try:
                importlib.import_module(info.name)
            except ModuleNotFoundError as exc:
                if exc.name.split(".")[0] not in {OPTIONAL!r}:
                    raise
        loaded = sorted({{name.split(".")[0] for name in sys.modules}} & set({NOTEBOOK_PACKAGES!r}))
        print(",".join(loaded))
    """)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, cwd=PROJECT)
    assert result.stdout.strip() == ""


def test_importing_quartier_and_drawing_keeps_the_matplotlib_backend():
    code = textwrap.dedent("""
        import matplotlib
        matplotlib.use("svg")
        before = matplotlib.get_backend()
        import geopandas as gpd, pandas as pd
        from shapely.geometry import box
        import quartier
        from quartier.maps.static import choropleth, figure_to_png_base64
        quarters = gpd.GeoDataFrame({"quarter_id": ["01", "02"], "name": ["A", "B"]},
                                    geometry=[box(0, 0, 1000, 1000), box(1000, 0, 2000, 1000)],
                                    crs="EPSG:25832")
        fig = choropleth(quarters, pd.Series([1.0, 2.0], index=["01", "02"]), title="t",
                         legend_title="l", scheme="equal_interval", k=2)
        assert figure_to_png_base64(fig).startswith("iVBOR")
        print(before, matplotlib.get_backend())
    """)
    env = {key: value for key, value in os.environ.items() if key != "MPLBACKEND"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=env, cwd=PROJECT)
    assert result.returncode == 0, result.stderr
    before, after = result.stdout.split()
    assert before.lower() == "svg"
    assert after == before


def test_no_module_switches_the_matplotlib_backend():
    # report/changes.py is being moved to matplotlib.figure.Figure (issue 16, 2)
    allowed = {PACKAGE / "report" / "changes.py"}
    offenders = [path.relative_to(PACKAGE).as_posix() for path in PACKAGE.rglob("*.py")
                 if path not in allowed and "matplotlib.use(" in path.read_text(encoding="utf-8")]
    assert offenders == []


# --------------------------------------------------------------------------------------------
# quartier notebooks ZIEL
# --------------------------------------------------------------------------------------------

def test_notebooks_command_copies_the_shipped_notebooks(tmp_path):
    target = tmp_path / "projekt" / "notebooks"
    result = CliRunner().invoke(cli, ["notebooks", str(target)])
    assert result.exit_code == 0, result.output
    copied = sorted(path.name for path in target.iterdir())
    assert copied == sorted(path.name for path in (PROJECT / "notebooks").glob("*.ipynb"))
    assert len(copied) == 3
    for name in copied:
        assert (target / name).read_bytes() == (PROJECT / "notebooks" / name).read_bytes()
        assert json.loads((target / name).read_text(encoding="utf-8"))["cells"]


def test_notebooks_command_never_overwrites_without_force(tmp_path):
    (tmp_path / "02_indikatoren.ipynb").write_text("mein Notebook", encoding="utf-8")
    result = CliRunner().invoke(cli, ["notebooks", str(tmp_path)])
    assert result.exit_code == 2
    assert "02_indikatoren.ipynb" in result.output and "--force" in result.output
    assert (tmp_path / "02_indikatoren.ipynb").read_text(encoding="utf-8") == "mein Notebook"
    assert not (tmp_path / "01_daten_pruefen.ipynb").exists()  # nothing copied at all

    result = CliRunner().invoke(cli, ["notebooks", str(tmp_path), "--force"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "02_indikatoren.ipynb").read_bytes() == (
        PROJECT / "notebooks" / "02_indikatoren.ipynb").read_bytes()


def test_notebooks_command_on_a_file_is_a_usage_error(tmp_path):
    path = tmp_path / "datei.txt"
    path.write_text("x", encoding="utf-8")
    result = CliRunner().invoke(cli, ["notebooks", str(path)])
    assert result.exit_code == 2


def test_readme_setup_installs_the_notebooks_extra():
    setup = (PROJECT / "scripts" / "setup.sh").read_text(encoding="utf-8")
    assert 'QUARTIER_EXTRAS="[notebooks]"' in setup
