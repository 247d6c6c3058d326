"""quartier: quarter-level social space analysis (Sozialraumanalyse).

Load a study with :func:`load_study`, compute indicators and judgements with :func:`compute`,
publish the yearly edition with :func:`publish_edition`; every stage of the analysis is a plain
function on (Geo)DataFrames in the subpackages (``load``, ``population``, ``assign``,
``indicators``, ``editions``, ``maps``, ``export``, ``report``, ``partners``, ``streets``,
``scale``). ``docs/api.md`` lists the exported names by family.

The report functions (:func:`publish_edition`, :func:`build_report`, :func:`report_folder`) are
imported on first use, so that ``import quartier`` does not load Jinja2, Matplotlib and folium.
"""

#: The one place of the version: pyproject.toml reads it (``[tool.setuptools.dynamic]``), the
#: edition store and the report record it.
__version__ = "0.2.0"

from quartier._lazy import lazy_exports  # noqa: E402
from quartier.assign import assign_points  # noqa: E402
from quartier.catalogue import (  # noqa: E402
    category_labels,
    default_catalogue,
    reference_group_label,
)
from quartier.compute import Results, compute, wide  # noqa: E402
from quartier.editions import list_editions, load_edition, store_edition  # noqa: E402
from quartier.errors import QuartierError  # noqa: E402
from quartier.fields import FIELDS, field_label  # noqa: E402
from quartier.format import format_number, format_percent  # noqa: E402
from quartier.indicators import (  # noqa: E402
    indicator_table,
    nearest_distance,
    priorities,
    status_index,
    status_label,
    two_step_fca,
)
from quartier.study import Study, load_study, validate_study  # noqa: E402
from quartier.summary import population_by_quarter, study_overview  # noqa: E402
from quartier.validation import Finding, StudyError, ValidationReport  # noqa: E402

#: Names imported from :mod:`quartier.report` and :mod:`quartier.publish` on first use
#: (module ``__getattr__``).
_LAZY = {"build_report": "quartier.report", "publish_edition": "quartier.publish",
         "report_folder": "quartier.report"}

__all__ = ["FIELDS", "Finding", "QuartierError", "Results", "Study", "StudyError",
           "ValidationReport", "__version__", "assign_points", "build_report",
           "category_labels", "compute", "default_catalogue", "field_label", "format_number",
           "format_percent", "indicator_table", "list_editions", "load_edition", "load_study",
           "nearest_distance", "population_by_quarter", "priorities", "publish_edition",
           "reference_group_label", "report_folder", "status_index", "status_label",
           "store_edition", "study_overview", "two_step_fca", "validate_study", "wide"]

__getattr__, __dir__ = lazy_exports(__name__, _LAZY, globals())
