"""Loads the Qt Designer forms in ``ui/forms/`` (dialogs a designer may restyle freely)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QFile, QIODevice
from PySide6.QtUiTools import QUiLoader
from PySide6.QtWidgets import QWidget

FORMS_DIR = Path(__file__).resolve().parent


def load_form(
    name: str, parent: QWidget | None = None, custom: Sequence[type[QWidget]] = ()
) -> QWidget:
    """Build the widget tree of ``forms/<name>.ui``; its children are found by object name.

    ``custom``: the project's widget classes the form names (its ``<customwidgets>``).
    """
    path = FORMS_DIR / f"{name}.ui"
    handle = QFile(str(path))
    if not handle.open(QIODevice.OpenModeFlag.ReadOnly):
        raise FileNotFoundError(f"the form {path} is missing from the installation")
    loader = QUiLoader()
    for kind in custom:
        loader.registerCustomWidget(kind)
    try:
        widget = loader.load(handle, parent)
    finally:
        handle.close()
    if widget is None:
        raise RuntimeError(f"the form {path} could not be read")
    return widget


def form_child(form: QWidget, kind: type[Any], name: str) -> Any:
    """The child ``name`` of a loaded form; a missing one is an installation fault, said so."""
    found = form.findChild(kind, name)
    if found is None:
        raise RuntimeError(f"the form {form.objectName()!r} has no {kind.__name__} named {name!r}")
    return found
