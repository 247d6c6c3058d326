"""Loading and checking the inputs of a study: every loader maps the user's columns onto the
data contracts and records each problem as a finding in a
:class:`quartier.validation.ValidationReport` instead of raising.

Most users call :func:`quartier.load_study`, which runs these loaders in order; they are exported
for analysts who load a single dataset from a :class:`quartier.config.DatasetConfig`.

The names are imported on first use: :mod:`quartier.config` itself uses
:mod:`quartier.load.sources`, so this package must not import the loaders (which need the
config) when it is first imported.
"""

from quartier._lazy import lazy_exports

#: Exported name → module that defines it.
_EXPORTS = {
    "load_facilities": "quartier.load.facilities",
    "load_population_grid": "quartier.load.population",
    "load_population_quarters": "quartier.load.population",
    "load_quarters": "quartier.load.quarters",
    "read_table": "quartier.load.tables",
}

__all__ = sorted(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
