"""The layers of docs/architecture.md hold: no import points up a layer, no import closes a cycle.

Every ``import quartier…`` and ``from quartier… import …`` of every module is read with
:mod:`ast`, at module level and inside functions alike (an import inside a function that
closes a cycle is still a cycle, only hidden). Known violations are listed in
:data:`KNOWN_UPWARD` and :data:`KNOWN_CYCLES` with the reason; anything new fails.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]
SOURCE = PROJECT / "src"
PACKAGE = SOURCE / "quartier"

#: The layers in the order of the data flow, lowest first (docs/architecture.md). A module
#: belongs to the layer of its longest listed prefix; it may import its own layer and below.
LAYERS: list[tuple[str, ...]] = [
    ("quartier.__version__", "quartier.errors", "quartier.format", "quartier.validation",
     "quartier.fields", "quartier._paths", "quartier.osm_tags", "quartier._lazy",
     "quartier._atomic", "quartier._background"),                                 # foundation
    ("quartier.config_schema", "quartier.settings", "quartier.catalogue", "quartier.osm",
     "quartier.judgements"),                                                      # catalogue
    ("quartier.config",),                                                         # config
    ("quartier.assign",),                                                         # assign
    ("quartier.load", "quartier.study"),                                          # load
    ("quartier.population",),                                                     # population
    ("quartier.indicators", "quartier.streets", "quartier.scale"),                # indicators
    ("quartier.compute", "quartier.summary"),                                     # compute
    ("quartier.editions",),                                                       # editions
    ("quartier.partners", "quartier.network"),                                     # partners
    ("quartier.maps",),                                                           # maps
    ("quartier.export",),                                                         # export
    ("quartier.report",),                                                         # report
    ("quartier.publish",),                                                        # workflow
    ("quartier.cli", "quartier.init", "quartier.sample", "quartier"),             # interface
]

#: Imports that point up a layer today, (importer, imported) -> why. Remove an entry when the
#: import is gone; never add one without an issue that moves the code.
KNOWN_UPWARD: dict[tuple[str, str], str] = {
    ("quartier.config", "quartier.load.sources"):
        "the config recognises GDAL/ZIP source names with load/sources.py; belongs below config",
    ("quartier.load.other_boundaries", "quartier.editions.boundaries"):
        "area weighting lives in editions/; it belongs in a geometry module below load",
    ("quartier.partners.export", "quartier.export.spreadsheet"):
        "the internal partner register is written with the export's spreadsheet-safe writer",
    ("quartier.partners.export", "quartier.export.labels"):
        "the public partner, measure and concern tables use the export's headers and labels",
    ("quartier.report.publish", "quartier.publish"):
        "the old place of the yearly workflow, an alias of quartier.publish for one release",
    ("quartier.export.tables", "quartier.report.profile_context"):
        "the housing export reuses the profile's housing table (report code being reworked)",
}

#: Import cycles between modules that exist today: a cycle found must lie within one of these
#: sets of modules. They are closed only by imports inside functions.
KNOWN_CYCLES: dict[frozenset[str], str] = {
    frozenset({"quartier.load.columns", "quartier.load.numbers"}):
        "columns reads numeric columns with numbers, numbers names rows with columns",
}

#: Packages inside which a cycle is tolerated for now: report/ is being split into context
#: builders right now (context <-> changes <-> network_context <-> profile_context <->
#: social_context call each other; issue 16, 1). A cycle reaching outside stays an error.
KNOWN_CYCLE_PACKAGES: dict[str, str] = {
    "quartier.report": "report context and chapters call each other (issue 16, 1)",
}


def _is_known_cycle(cycle: frozenset[str]) -> bool:
    if any(cycle <= known for known in KNOWN_CYCLES):
        return True
    return any(all(member.startswith(package + ".") for member in cycle)
               for package in KNOWN_CYCLE_PACKAGES)


def _module_names() -> dict[str, Path]:
    names = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(SOURCE).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names[".".join(parts)] = path
    return names


MODULES = _module_names()


def _imports(name: str, path: Path) -> set[str]:
    """The quartier modules ``name`` imports anywhere in its file (resolved to modules)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            for alias in node.names:
                submodule = f"{module}.{alias.name}"
                if submodule in MODULES:
                    found.add(submodule)
                elif module == "quartier" and alias.name == "__version__":
                    # set in quartier/__init__.py before it imports anything
                    found.add("quartier.__version__")
                else:
                    found.add(module)
    return {target for target in found if target.split(".")[0] == "quartier"
            and target != name}


def _graph() -> dict[str, set[str]]:
    return {name: _imports(name, path) for name, path in MODULES.items()}


def layer_of(module: str) -> int:
    best, best_length = None, -1
    for number, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best_length:
                best, best_length = number, len(prefix)
    assert best is not None, f"{module} is in no layer: add it to LAYERS and docs/architecture.md"
    return best


def _cycles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components = []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    components.append(frozenset(component))
    return components


def test_every_module_has_a_layer():
    for name in MODULES:
        layer_of(name)


def test_no_import_points_up_a_layer():
    upward = {(name, target) for name, targets in _graph().items() for target in targets
              if layer_of(target) > layer_of(name)}
    new = sorted(upward - set(KNOWN_UPWARD))
    assert new == [], "imports pointing up a layer (see docs/architecture.md): " + ", ".join(
        f"{a} -> {b}" for a, b in new)
    gone = sorted(set(KNOWN_UPWARD) - upward)
    assert gone == [], f"fixed, remove from KNOWN_UPWARD: {gone}"


def test_no_new_import_cycle():
    cycles = _cycles(_graph())
    new = [sorted(cycle) for cycle in cycles if not _is_known_cycle(cycle)]
    assert new == [], f"import cycles between modules: {new}"
    gone = [sorted(known) for known in KNOWN_CYCLES if not any(c & known for c in cycles)]
    assert gone == [], f"fixed, remove from KNOWN_CYCLES: {gone}"


@pytest.mark.parametrize("graph, expected", [
    ({"a": {"b"}, "b": {"a"}, "c": {"a"}}, {frozenset({"a", "b"})}),
    ({"a": {"b"}, "b": {"c"}, "c": set()}, set()),
    ({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"d"}}, {frozenset({"a", "b", "c"})}),
])
def test_cycle_finder_on_small_graphs(graph, expected):
    assert set(_cycles(graph)) == expected


def test_resolved_imports_of_a_known_module():
    # osm.py imports the catalogue and the tag syntax at module level, nothing else of quartier
    assert _imports("quartier.osm", MODULES["quartier.osm"]) == {
        "quartier.catalogue", "quartier.osm_tags"}
    assert layer_of("quartier.load.osm_extract") == layer_of("quartier.load")
    assert layer_of("quartier.osm_tags") < layer_of("quartier.catalogue")


def test_layers_are_written_in_the_architecture_document():
    text = (PROJECT / "docs" / "architecture.md").read_text(encoding="utf-8")
    for prefixes in LAYERS:
        for prefix in prefixes:
            if prefix not in ("quartier", "quartier.__version__"):
                assert f"`{prefix.removeprefix('quartier.')}" in text, prefix
