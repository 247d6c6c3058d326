"""Run a task in a second process while this one goes on (the report's exports).

:func:`start` returns an object with ``result()``, like a :class:`concurrent.futures.Future`:
the task runs in a second process when that is safe here (:func:`start_method`), else at once
in this process. Either way ``result()`` returns the task's value or re-raises its exception.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

__all__ = ["Done", "InOtherProcess", "Pending", "start", "start_method"]


class Pending(Protocol):
    """A started task: ``result()`` waits for it and returns its value."""

    def result(self) -> object: ...


class Done:
    """The result of a task run in this process (same interface as a Future).

    Examples
    --------
    >>> Done(42).result()
    42
    """

    def __init__(self, value: object) -> None:
        self.value = value

    def result(self) -> object:
        return self.value


class InOtherProcess:
    """A task in a second process; ``result()`` falls back to running it here if that
    process could not start (e.g. a script without ``if __name__ == "__main__":`` under the
    ``spawn`` start method) and re-raises the task's own exceptions.
    """

    def __init__(self, function: Callable, args: tuple, method: str) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        self.function, self.args = function, args
        self.future = None
        try:
            executor = ProcessPoolExecutor(max_workers=1,
                                           mp_context=multiprocessing.get_context(method))
            self.future = executor.submit(function, *args)
            executor.shutdown(wait=False)
        except OSError:  # no process could be started (e.g. the interpreter is not readable)
            self.future = None

    def result(self) -> object:
        from concurrent.futures.process import BrokenProcessPool

        if self.future is None:
            return self.function(*self.args)
        try:
            return self.future.result()
        except (BrokenProcessPool, BrokenPipeError):
            return self.function(*self.args)


def start(function: Callable, *args: object, parallel: bool = True) -> Pending:
    """Run ``function(*args)`` in a second process when there is more than one core.

    Returns an object with ``result()``, which re-raises the function's exception.

    Examples
    --------
    >>> start(divmod, 7, 2, parallel=False).result()
    (3, 1)
    """
    method = start_method() if parallel and (os.cpu_count() or 1) > 1 else None
    if method is None:
        return Done(function(*args))
    return InOtherProcess(function, args, method)


def start_method() -> str | None:
    """How a second process can be started safely here, or None to stay in this process.

    ``fork`` while this process runs a single thread on Linux (cheap, nothing re-imported);
    else ``spawn``, but only when the main module is safe to import again in the child: the
    ``quartier`` command, or no script file at all (a notebook kernel, ``python -c``). A
    user's own script may lack ``if __name__ == "__main__":``, so it stays sequential.
    """
    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return "fork"
    main = sys.modules.get("__main__")
    script = getattr(main, "__file__", None)
    spec = getattr(main, "__spec__", None)
    if script is None or Path(script).stem == "quartier" or (
            spec is not None and spec.name.split(".")[0] == "quartier"):
        return "spawn"
    return None
