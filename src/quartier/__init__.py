"""quartier: quarter-level social space analysis (Sozialraumanalyse).

Load a study with :func:`load_study`; every stage of the analysis is a plain function on
(Geo)DataFrames in the subpackages (``load``, ``assign``, …).
"""

#: The one place of the version: pyproject.toml reads it (``[tool.setuptools.dynamic]``), the
#: edition store and the report record it.
__version__ = "0.2.0"

from quartier.catalogue import default_catalogue  # noqa: E402
from quartier.compute import Results, compute, wide  # noqa: E402
from quartier.errors import QuartierError  # noqa: E402
from quartier.fields import FIELDS, field_label  # noqa: E402
from quartier.indicators import nearest_distance, status_index, two_step_fca  # noqa: E402
from quartier.indicators.priorities import priorities  # noqa: E402
from quartier.study import Study, load_study, validate_study  # noqa: E402
from quartier.validation import Finding, StudyError, ValidationReport  # noqa: E402

__all__ = ["FIELDS", "Finding", "QuartierError", "Results", "Study", "StudyError",
           "ValidationReport", "compute", "default_catalogue", "field_label", "load_study",
           "nearest_distance", "priorities", "status_index", "two_step_fca", "validate_study",
           "wide", "__version__"]
