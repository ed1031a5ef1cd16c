"""Find the bundled resources both in a checkout and in an installed wheel.

In a checkout they live in ``<repo>/resources``; the wheel force-includes that folder as
``ui/resources`` (see pyproject.toml); a PyInstaller bundle keeps the wheel layout.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_UI = Path(__file__).resolve().parent.parent


@cache
def resources_dir() -> Path:
    """The folder holding ``icons/`` and ``themes/``."""
    for candidate in (_UI / "resources", _UI.parent / "resources"):
        if (candidate / "icons").is_dir():
            return candidate
    raise FileNotFoundError(
        f"InstaInstru resources not found next to {_UI} (looked in ui/resources and resources)"
    )


def resource_path(*parts: str) -> Path:
    """A file under the resources folder, e.g. ``resource_path("icons", "sync.svg")``."""
    return resources_dir().joinpath(*parts)
