"""The README's Python examples run as written, from the project folder (issue 16: "every
notebook and README example runs")."""

from __future__ import annotations

import re

import pytest
from conftest import PROJECT


def _python_blocks() -> list[str]:
    text = (PROJECT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def test_the_readme_has_python_examples():
    blocks = _python_blocks()
    assert len(blocks) >= 2 and any("quartier.compute(study)" in b for b in blocks)


@pytest.mark.parametrize("index", range(len(_python_blocks())))
def test_readme_example_runs(index, monkeypatch):
    block = _python_blocks()[index]
    if "distributed" in block:
        pytest.importorskip("dask_geopandas")
        # the README's Client() starts one worker process per core; here a thread-based
        # cluster with the same API keeps the test light
        block = block.replace("Client()", "Client(processes=False, n_workers=1)")
    monkeypatch.chdir(PROJECT)
    namespace: dict = {"__name__": "readme_example"}
    try:
        exec(compile(block, f"README.md python block {index + 1}", "exec"), namespace)
    finally:
        client = namespace.get("client")
        if client is not None:
            client.close()
    if "results" in namespace:  # the first example: a real computation on the sample
        assert len(namespace["results"].gaps) > 0
    if "tables" in namespace:  # the dask example: one table per category
        assert set(namespace["tables"]) == set(namespace["study"].facilities["category"])
