"""Package names that load their own module on first use.

The domain and the services packages re-export many names from many modules, and the app's
first painted week needs only a few of them: importing every module up front cost it a tenth of
its start-up. Each package keeps a table of which module holds which name and hands
:func:`lazy_attributes` the module ``__getattr__`` that Python calls for a name not loaded yet.

Standard library only: the pure domain uses it too.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_attributes(
    package: str, homes: Mapping[str, str], namespace: dict[str, Any]
) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``package``: ``homes`` maps a name to the submodule that
    defines it; a name loaded once is kept in ``namespace`` (the package's ``globals()``), so
    later lookups are plain."""

    def load(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{home}"), name)
        namespace[name] = value
        return value

    return load
