"""Test configuration shared by the whole repository.

The environment is set here, before any test module imports Qt, so that the suite runs the same
on a developer machine with a display and on a headless CI machine.
"""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
os.environ.setdefault("LANG", "C.UTF-8")
os.environ.setdefault("TZ", "UTC")

pytest_plugins = [
    "pytester",
    "tests.runner.plugin",
    "tests.runner.clean_tree",
    "tests.runner.logfail",
]
