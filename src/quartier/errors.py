"""The one base class of every exception quartier raises on purpose.

``except quartier.QuartierError`` catches all of them. Each class keeps its built-in base as
well (a :class:`ValueError`, a :class:`KeyError`, …), so code that caught those still works.

Examples
--------
>>> from quartier import QuartierError, StudyError
>>> issubclass(StudyError, QuartierError) and issubclass(StudyError, ValueError)
True
"""

from __future__ import annotations

__all__ = ["QuartierError"]


class QuartierError(Exception):
    """Base class of all exceptions defined by quartier."""
