"""Old place of :mod:`quartier.publish` (the yearly workflow), kept importable.

``quartier.report.publish`` *is* :mod:`quartier.publish` (the same module object in
:data:`sys.modules`), so ``from quartier.report.publish import publish_edition`` and tests that
patch names of this module keep working.
"""

import sys

import quartier.publish

sys.modules[__name__] = quartier.publish
