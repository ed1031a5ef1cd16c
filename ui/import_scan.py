"""Lighter imports for the app: PySide6's import hook, and httpx without its command line.

Once PySide6 is loaded, shiboken looks at every module imported after it to learn whether the
module uses PySide6 (for its opt-in ``from __feature__ import ...`` switches). It does that with
``inspect.getsource``, which reads, decodes and splits the module's whole file into lines and
keeps them in :mod:`linecache` for the life of the process. The app imports over a thousand
modules after Qt (the embedded server, the ORM, the web framework), so that is about 17 MB of
source lines kept, some 40 MB of resident memory once the allocator's fragments are counted,
and CPU time spent while the first week is being painted.

:func:`lighten` gives shiboken the same answer ("does the file mention PySide6?") from one read
of the file's bytes, kept nowhere. When a PySide6 release no longer has that check, it does
nothing.
"""

from __future__ import annotations

import sys
from types import ModuleType

#: shiboken's helper module and the function it calls for each newly imported module.
FEATURE_MODULE = "shibokensupport.feature"
CHECK = "_mod_uses_pyside"


def mentions_pyside(module: ModuleType) -> bool:
    """Whether the module's source file names PySide6 (False without a readable source)."""
    path = getattr(module, "__file__", None)
    if not isinstance(path, str) or not path.endswith(".py"):
        return False
    try:
        with open(path, "rb") as source:
            return b"PySide6" in source.read()
    except OSError:
        return False


def lighten() -> bool:
    """Swap shiboken's per-import check for :func:`mentions_pyside`; True if it was swapped.

    Call it right after PySide6 is first imported and before the bulk of the app loads.
    """
    feature = sys.modules.get(FEATURE_MODULE)
    if feature is None or not callable(getattr(feature, CHECK, None)):
        return False
    setattr(feature, CHECK, mentions_pyside)
    return True


#: httpx loads its command-line tool (click, rich, pygments: about 5 MB) whenever those are
#: installed; the app never runs it.
HTTPX_COMMAND_LINE = "httpx._main"


def skip_httpx_command_line() -> None:
    """Make ``import httpx`` skip its command-line tool, as it does when click is missing.

    httpx imports it inside ``try``/``except ImportError``; an entry of None in
    :data:`sys.modules` makes that import fail at once. Call it before httpx is imported.
    """
    if "httpx" not in sys.modules and HTTPX_COMMAND_LINE not in sys.modules:
        sys.modules[HTTPX_COMMAND_LINE] = None  # type: ignore[assignment]  # "not importable"
