"""Signing in to a server: with a password, or with the sign-in remembered from the last run.

Two things are remembered per server, apart: the token, in the credential store (a keyring, or
a private file), and who it belongs to, in ``session.json`` (no secret: name, role, zone). The
second is what lets the app start offline, on the cache of the last account, and sync once the
server answers. Signing out forgets both and keeps the cache with its unsent changes.
"""

from __future__ import annotations

import logging

from instainstru_desktop.store import Store
from instainstru_desktop.sync.api import ApiClient
from instainstru_desktop.sync.credentials import CredentialStore
from instainstru_desktop.sync.errors import Offline, Unauthenticated
from instainstru_desktop.sync.remembered import Identity, RememberedSignIns

__all__ = [
    "Identity",
    "RememberedSignIns",
    "SignIn",
    "SignInRequiredError",
    "claim_cache",
    "sign_out",
]

log = logging.getLogger(__name__)


class SignInRequiredError(Exception):
    """No remembered sign-in for this server (or it expired): ask for email and password."""

    def __init__(self, message: str = "Please sign in.") -> None:
        super().__init__(message)
        self.message = message


class SignIn:
    """Signs one API client in to one server, and out again."""

    def __init__(
        self,
        server: str,
        api: ApiClient,
        credentials: CredentialStore,
        remembered: RememberedSignIns,
    ) -> None:
        self._server = server
        self._api = api
        self._credentials = credentials
        self._remembered = remembered

    def with_password(self, email: str, password: str) -> Identity:
        """Sign in, keep the token and remember who signed in.

        Raises the API's typed errors (``Unauthenticated`` for a wrong password, ``Offline``).
        """
        signed = self._api.sign_in(email, password)
        identity = Identity.of_user(self._server, signed.user)
        self._credentials.save(CredentialStore.account(self._server, identity.email), signed.token)
        self._remembered.remember(identity)
        return identity

    def as_remembered(self) -> Identity:
        """Sign in with the token of the last sign-in; offline, trust who it belonged to.

        Raises :class:`SignInRequiredError` when nothing is remembered or the server no longer
        accepts the token (which is then forgotten).
        """
        known = self._remembered.get(self._server)
        if known is None:
            raise SignInRequiredError()
        account = CredentialStore.account(self._server, known.email)
        token = self._credentials.load(account)
        if not token:
            raise SignInRequiredError()
        self._api.token = token
        try:
            identity = Identity.of_user(self._server, self._api.me())
        except Offline:
            log.info("starting offline as %s", known.email)
            return known
        except Unauthenticated as error:
            self._credentials.delete(account)
            raise SignInRequiredError(error.message) from error
        self._remembered.remember(identity)  # the name or zone may have changed meanwhile
        return identity


def claim_cache(store: Store, identity: Identity) -> None:
    """Mark the account's cache as this account's, before anything reads it.

    The cache file is chosen by server and email; if the same email is another account now (the
    server was replaced), the data in it is not ours: it is downloaded again, and queued edits
    are kept for the server to judge.
    """
    owner = f"{identity.server} {identity.user_id}"
    with store.uow() as uow:
        known = uow.sync_state.get().server_identity
        if known and known != owner:
            log.warning(
                "the account behind %s changed: downloading everything again", identity.server
            )
            uow.pull.start_over()
        uow.sync_state.update(
            server_identity=owner,
            user_id=identity.user_id,
            role=identity.role,
            instructor_id=identity.instructor_id,
        )
        uow.commit()


def sign_out(
    identity: Identity, credentials: CredentialStore, remembered: RememberedSignIns
) -> None:
    """Forget the sign-in on this computer (token and remembered account), keep the cache.

    The cache and its unsent changes stay: signing in again as the same person on the same
    server finds them, and nothing made offline is lost by signing out.
    """
    credentials.delete(CredentialStore.account(identity.server, identity.email))
    remembered.forget(identity.server)
