"""Entry script of the packaged app and server (PyInstaller needs a file, not an entry point).

One executable answers to two names: ``instainstru`` starts the desktop app, and run through
its link ``instainstru-server`` it starts the standalone server. The bundle then holds one
Python and one copy of every library, where two executables would each carry their own archive
of the same modules. The server's path loads no Qt.
"""

import multiprocessing
import sys
from collections.abc import Callable
from pathlib import Path

SERVER_NAME = "instainstru-server"


def entry_point(argv0: str) -> Callable[[], int]:
    """The ``main`` that the name this executable was started by stands for."""
    if Path(argv0).name.removesuffix(".exe") == SERVER_NAME:
        from instainstru_desktop.server.cli import main as server_main

        return server_main
    from ui.app import main as app_main

    return app_main


if __name__ == "__main__":
    # a worker process of ``instainstru-server --workers N`` starts here too, as this executable
    multiprocessing.freeze_support()
    sys.exit(entry_point(sys.argv[0])())
