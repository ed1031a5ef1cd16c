"""InstaInstru Desktop core: everything but the Qt front end.

The core never imports PySide6 or :mod:`ui`, so the bundled server, the sync engine and the
command-line tools run on machines without a display.
"""

__version__ = "0.1.0"

#: Version of the client/server sync protocol. The server refuses clients older than its
#: minimum with ``update_required``; bump it when the wire format changes incompatibly.
#: 2: hour edits as hours added or removed, clashes of edits settled by the server (a server
#: of protocol 1 refuses those changes as unknown; protocol-1 clients are still served).
PROTOCOL_VERSION = 2
