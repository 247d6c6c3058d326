"""The two notebooks run on the sample study (papermill) and are stored without outputs.

The notebooks are executed once per test session in a temporary folder laid out like the
project (``<tmp>/notebooks`` is the working directory), so that the export of notebook 02
(``../reports/…``) lands in ``<tmp>/reports`` and nothing is written into the project.
The kernel ``python3`` is pointed at the interpreter running the tests through a kernel spec
in a temporary ``JUPYTER_PATH``, so the notebooks import the same (editable) ``quartier``.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]
NOTEBOOKS = PROJECT / "notebooks"
SAMPLE = PROJECT / "data" / "sample"
SAMPLE_CONFIG = SAMPLE / "quartier.toml"
NAMES = ("01_daten_pruefen.ipynb", "02_indikatoren.ipynb", "03_bericht_fortschreiben.ipynb")


def _read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _output_text(notebook: dict) -> str:
    """Every text the executed notebook shows: printed output, tables (plain and HTML)."""
    parts = []
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            values = [output.get("text", "")] + [output.get("data", {}).get(kind, "") for kind in
                                                  ("text/plain", "text/html", "text/markdown")]
            parts.extend("".join(v) if isinstance(v, list) else v for v in values)
    return "\n".join(parts)


def _errors(notebook: dict) -> list[str]:
    return [f"{o.get('ename')}: {o.get('evalue')}" for cell in notebook["cells"]
            for o in cell.get("outputs", []) if o.get("output_type") == "error"]


def _images(notebook: dict) -> int:
    return sum("image/png" in o.get("data", {}) for cell in notebook["cells"]
               for o in cell.get("outputs", []))


# --------------------------------------------------------------------------------------------
# the stored notebooks
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", NAMES)
def test_stored_notebook_has_no_outputs(name):
    notebook = _read(NOTEBOOKS / name)
    code_cells = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    assert code_cells
    for cell in code_cells:
        assert cell.get("outputs") == [], f"{name}: a code cell has outputs; clear them"
        assert cell.get("execution_count") is None, f"{name}: clear the execution counts"
    assert notebook["metadata"]["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("name", NAMES)
def test_first_code_cell_holds_the_parameters(name):
    notebook = _read(NOTEBOOKS / name)
    first = next(c for c in notebook["cells"] if c["cell_type"] == "code")
    assert "parameters" in first["metadata"].get("tags", [])
    namespace: dict = {}
    exec(_source(first), namespace)  # noqa: S102 - two assignments, nothing else
    assert namespace["config"] == "../data/sample/quartier.toml"
    assert namespace["edition"] is None
    # the default path is right for a notebook run from notebooks/
    assert (NOTEBOOKS / namespace["config"]).resolve() == SAMPLE_CONFIG.resolve()


@pytest.mark.parametrize("name", NAMES)
def test_notebook_is_written_for_readers(name):
    notebook = _read(NOTEBOOKS / name)
    assert notebook["cells"][0]["cell_type"] == "markdown"
    assert _source(notebook["cells"][0]).startswith("# ")
    for cell in notebook["cells"]:
        if cell["cell_type"] != "code":
            continue
        assert max(len(line) for line in _source(cell).splitlines() or [""]) <= 100
        assert len(_source(cell).splitlines()) <= 30, "keep code cells short"


# --------------------------------------------------------------------------------------------
# executing them with papermill
# --------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def run_notebook(tmp_path_factory):
    """A function that executes a notebook in ``<tmp>/notebooks`` and returns the result."""
    papermill = pytest.importorskip(
        "papermill", reason="papermill is not installed (pip install papermill)")
    pytest.importorskip("ipykernel", reason="ipykernel is not installed for this interpreter "
                        "(pip install ipykernel); the notebooks need a python3 kernel")
    root = tmp_path_factory.mktemp("notebook_runs")
    kernel = root / "jupyter" / "kernels" / "python3"
    kernel.mkdir(parents=True)
    (kernel / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (quartier tests)", "language": "python"}), encoding="utf-8")
    workdir = root / "notebooks"
    workdir.mkdir()

    def run(name: str, executed_name: str, /, **parameters) -> Path:
        target = root / executed_name
        with pytest.MonkeyPatch.context() as patch:
            # JUPYTER_PATH comes first when Jupyter looks for kernel specs
            patch.setenv("JUPYTER_PATH", str(root / "jupyter"))
            papermill.execute_notebook(str(NOTEBOOKS / name), str(target),
                                       parameters=parameters, kernel_name="python3",
                                       cwd=str(workdir), progress_bar=False)
        return target

    run.root = root
    run.papermill = papermill
    return run


@pytest.fixture(scope="module")
def executed(run_notebook):
    """Both notebooks executed on the sample study; the sample folder is left untouched."""
    before = sorted((p.name, p.stat().st_mtime_ns) for p in SAMPLE.iterdir())
    # notebook 03 stores editions and writes a report: into the test's folder, not data/sample
    extra = {"03_bericht_fortschreiben.ipynb": {
        "store": str(run_notebook.root / "ausgaben.sqlite"),
        "output": str(run_notebook.root / "bericht")}}
    results = {name: _read(run_notebook(name, name, config=str(SAMPLE_CONFIG),
                                        **extra.get(name, {})))
               for name in NAMES}
    after = sorted((p.name, p.stat().st_mtime_ns) for p in SAMPLE.iterdir())
    assert after == before, "the notebooks must not write into data/sample"
    return results


def test_check_notebook_runs_on_the_sample(executed):
    notebook = executed["01_daten_pruefen.ipynb"]
    assert _errors(notebook) == []
    text = _output_text(notebook)
    assert "0 Fehler, 1 Warnung, 2 Hinweise" in text
    assert "Musterstadt" in text
    assert "Keine Fehler" in text
    assert "Einrichtungen liegen außerhalb aller Quartiere" in text   # the warning, as a table
    assert "Altstadt" in text and "Einwohnertabelle" in text          # population per quarter
    assert "4.318" in text                                            # German number format
    assert "außerhalb aller Quartiere" in text and "Summe" in text    # facilities per quarter
    # quarters, density and one facility map per action field
    assert _images(notebook) == 8


def test_indicator_notebook_runs_on_the_sample(executed, run_notebook):
    notebook = executed["02_indikatoren.ipynb"]
    assert _errors(notebook) == []
    text = _output_text(notebook)
    for expected in ("Lücke", "erfüllt", "unter dem Stadtmittel", "Ressource", "nicht bewertet",
                     "Erreichbares Angebot (2SFCA)",       # the methods table
                     "Kindertagesstätte (Kita)",          # the chosen category
                     "Gesundheit und Pflege",             # one table per action field
                     "sehr niedrig", "4-"):               # the social status index
        assert expected in text, expected
    # status map, indicator map, status index map
    assert _images(notebook) == 3
    export = run_notebook.root / "reports" / "musterstadt" / "2025" / "eigene_auswertung"
    assert (export / "bewertung.xlsx").is_file()
    csv = (export / "indikatoren.csv").read_text(encoding="utf-8-sig")
    assert csv.splitlines()[0].startswith("quarter_id;field;category;indicator;value")


def test_missing_config_stops_with_a_german_message(run_notebook):
    with pytest.raises(run_notebook.papermill.PapermillExecutionError) as caught:
        run_notebook("01_daten_pruefen.ipynb", "missing.ipynb", config="gibt_es_nicht.toml")
    assert caught.value.ename == "SystemExit"
    assert "Die Konfigurationsdatei wurde nicht gefunden" in caught.value.evalue
    assert "gibt_es_nicht.toml" in caught.value.evalue


def test_data_errors_stop_the_check_notebook(run_notebook, tmp_path):
    study = tmp_path / "kaputt"
    shutil.copytree(SAMPLE, study)
    facilities = study / "einrichtungen_2025.csv"
    text = facilities.read_text(encoding="utf-8")
    facilities.write_text(text.replace(";kategorie;", ";kat;", 1), encoding="utf-8")
    with pytest.raises(run_notebook.papermill.PapermillExecutionError) as caught:
        run_notebook("01_daten_pruefen.ipynb", "kaputt.ipynb", config=str(study / "quartier.toml"))
    assert caught.value.ename == "SystemExit"
    assert "Die Daten haben 1 Fehler" in caught.value.evalue
    shown = _output_text(_read(run_notebook.root / "kaputt.ipynb"))
    assert "1 Fehler, 0 Warnungen, 2 Hinweise" in shown
    assert "missing_column" in shown and "kategorie" in shown


def test_update_notebook_stores_the_edition_and_refuses_to_repeat_it(executed, run_notebook):
    notebook = executed["03_bericht_fortschreiben.ipynb"]
    assert _errors(notebook) == []
    text = _output_text(notebook)
    assert "Ausgabe 2025 gespeichert" in text and "Bericht geschrieben" in text
    assert (run_notebook.root / "bericht" / "index.html").is_file()
    from quartier.editions import list_editions

    store = run_notebook.root / "ausgaben.sqlite"
    assert list(list_editions(store)["label"]) == ["2025"]
    before = store.read_bytes()
    with pytest.raises(run_notebook.papermill.PapermillExecutionError) as caught:
        run_notebook("03_bericht_fortschreiben.ipynb", "again.ipynb", config=str(SAMPLE_CONFIG),
                     store=str(store), output=str(run_notebook.root / "bericht"))
    assert caught.value.ename == "SystemExit"
    assert "schon gespeichert" in caught.value.evalue
    assert store.read_bytes() == before  # nothing changed
