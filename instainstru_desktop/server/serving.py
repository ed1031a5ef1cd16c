"""The app under uvicorn: one server class for ``instainstru-server`` and the embedded starter.

Two things uvicorn cannot know about this app:

* Event streams (``/events``) never end on their own. uvicorn's graceful shutdown waits for
  every open response before the app hears of the shutdown, so one desktop app listening for
  pokes kept ``SIGTERM`` waiting for ever. :class:`Server` ends the streams the moment shutdown
  begins: each app reads the end of its stream at once, finds the server gone and shows Offline.
  Anything else still running gets :data:`GRACE_SECONDS`; a write cut short there was committed
  or not as a whole, and a pushed mutation answered by no one is replayed from its stored result.
* ``X-Forwarded-For`` and ``X-Forwarded-Proto`` name the client only when a proxy the operator
  trusts set them. uvicorn trusts loopback by default, which let any local client name its own
  address and so escape the per-address sign-in limit; here only the addresses in
  ``Settings.forwarded_allow_ips`` are trusted, and none by default.
"""

from __future__ import annotations

import socket
from typing import Any

import uvicorn
from fastapi import FastAPI

from instainstru_desktop.server.core.events import EventHub
from instainstru_desktop.server.core.settings import Settings

#: Seconds requests other than event streams may take to finish once shutdown has begun.
GRACE_SECONDS = 2


def uvicorn_config(app: FastAPI, **options: Any) -> uvicorn.Config:
    """uvicorn's settings for ``app`` (made by ``create_app``); ``options`` add to them."""
    settings: Settings = app.state.context.settings
    trusted = settings.forwarded_allow_ips.strip()
    return uvicorn.Config(
        app,
        lifespan="on",
        timeout_graceful_shutdown=GRACE_SECONDS,
        proxy_headers=bool(trusted),
        forwarded_allow_ips=trusted or None,
        **options,
    )


class Server(uvicorn.Server):
    """uvicorn that ends the app's event streams as soon as it starts shutting down."""

    def __init__(self, app: FastAPI, **options: Any) -> None:
        super().__init__(uvicorn_config(app, **options))
        self._hub: EventHub = app.state.context.uow.hub

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        self._hub.close()
        await super().shutdown(sockets)
