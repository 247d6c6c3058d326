"""Names of a package imported on first use (PEP 562 module ``__getattr__``)."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(package: str, exports: Mapping[str, str], namespace: dict[str, Any]
                 ) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """A module ``__getattr__`` and ``__dir__`` that import ``exports`` when first used.

    Parameters
    ----------
    package : str
        Name of the package (for the error message).
    exports : mapping of str to str
        Exported name → the module that defines it.
    namespace : dict
        The package's ``globals()``; a name once imported is stored there, so later look-ups
        do not pass through ``__getattr__`` again.

    Returns
    -------
    (callable, callable)
        Assign them to ``__getattr__`` and ``__dir__`` of the package.

    Examples
    --------
    >>> space = {}
    >>> getattr_, dir_ = lazy_exports("demo", {"sqrt": "math"}, space)
    >>> getattr_("sqrt")(16.0), "sqrt" in space, "sqrt" in dir_()
    (4.0, True, True)
    """

    def __getattr__(name: str) -> Any:
        if name in exports:
            value = getattr(importlib.import_module(exports[name]), name)
            namespace[name] = value
            return value
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        return sorted({*namespace, *exports})

    return __getattr__, __dir__
