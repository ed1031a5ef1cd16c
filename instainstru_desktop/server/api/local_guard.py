"""Only the app that started the server may use it: a per-run secret on every request.

The embedded server listens on 127.0.0.1, where any other process or user of the computer can
reach it, and the app signs in there as the demo instructor with a well-known password. So the
embedded starter makes a random secret for each run, gives it to the app alone (in memory, never
on disk), and :class:`LocalSecretGuard` refuses every request that does not carry it in the
``X-InstaInstru-Secret`` header with ``403 local_secret_required``.

No path is left open, ``/meta``, ``/openapi.json`` and ``/events`` included: the app sends the
header on all of its requests, nothing else has a reason to talk to this server, and an open
``/meta`` would only tell a stranger what runs on the port. A custom header also keeps web pages
out (a browser asks the server's permission first, which it never gives, and cannot learn the
secret), where a query parameter or a cookie would not.

Pure ASGI rather than ``BaseHTTPMiddleware``: that one copies each response through a queue,
which costs time on every request and holds back a server-sent event stream.
"""

from __future__ import annotations

import hmac

from instainstru_desktop.server.api.problems import ASGIApp, Receive, Scope, Send, problem

#: The request header that carries the per-run secret.
SECRET_HEADER = "X-InstaInstru-Secret"
CODE = "local_secret_required"
_DETAIL = (
    "This server belongs to the InstaInstru app that started it on this computer and answers "
    "only that app. Open InstaInstru to see and change your lessons."
)


class LocalSecretGuard:
    """ASGI middleware: HTTP requests and websockets without the secret are refused (403).

    The comparison is constant-time, so timing does not leak how much of a guess was right.
    Lifespan messages pass through: they come from the server itself, not from a client.
    """

    def __init__(self, app: ASGIApp, *, secret: str) -> None:
        if not secret:
            raise ValueError("the access secret must not be empty")
        self.app = app
        self._secret = secret.encode()
        self._header = SECRET_HEADER.lower().encode()

    def allows(self, scope: Scope) -> bool:
        """Whether the request carries the secret (the first such header counts)."""
        for name, value in scope.get("headers") or ():
            if name == self._header:
                return hmac.compare_digest(bytes(value), self._secret)
        return False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or self.allows(scope):
            await self.app(scope, receive, send)
        elif scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})  # before accept: a 403
        else:
            await problem(CODE, _DETAIL)(scope, receive, send)
