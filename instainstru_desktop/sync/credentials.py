"""Sign-in tokens: in the OS keyring where one works, else in a private file.

Headless Linux (and some minimal desktops) have no keyring backend; ``keyring`` then raises
``NoKeyringError``, or a do-nothing backend silently drops what it is given. Every save is
therefore read back: if the keyring did not keep it, the token goes to ``credentials.json`` in
the config folder, created with mode 0600, and a warning says it is not encrypted there.
"""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path

import keyring
import keyring.errors

from instainstru_desktop.json_files import read_json, write_json

log = logging.getLogger(__name__)

SERVICE = "InstaInstru"


class CredentialStore:
    """Secrets by account name (``"<server url> <email>"``)."""

    def __init__(self, file: Path, service: str = SERVICE) -> None:
        self._file = file
        self._service = service
        self._warned = False

    @staticmethod
    def account(server_url: str, email: str) -> str:
        return f"{server_url} {email.lower()}"

    def save(self, account: str, secret: str) -> None:
        """Keep ``secret``; in the keyring if it holds it, else in the private file."""
        try:
            keyring.set_password(self._service, account, secret)
            if keyring.get_password(self._service, account) == secret:
                self._forget_in_file(account)
                return
        except keyring.errors.KeyringError as error:
            log.debug("keyring unavailable: %r", error)
        self._warn_once()
        entries = self._read_file()
        entries[account] = secret
        self._write_file(entries)

    def load(self, account: str) -> str | None:
        try:
            found = keyring.get_password(self._service, account)
        except keyring.errors.KeyringError:
            found = None
        return found if found is not None else self._read_file().get(account)

    def delete(self, account: str) -> None:
        with contextlib.suppress(keyring.errors.KeyringError):
            keyring.delete_password(self._service, account)
        self._forget_in_file(account)

    @property
    def in_file(self) -> bool:
        """Whether any secret sits in the (unencrypted) fallback file."""
        return bool(self._read_file())

    def _warn_once(self) -> None:
        if not self._warned:
            self._warned = True
            log.warning(
                "No system keyring is available: the sign-in token is stored unencrypted in %s "
                "(readable only by you).",
                self._file,
            )

    def _read_file(self) -> dict[str, str]:
        data = read_json(self._file)
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def _write_file(self, entries: dict[str, str]) -> None:
        write_json(self._file, entries)  # atomic, and readable by its owner only

    def _forget_in_file(self, account: str) -> None:
        entries = self._read_file()
        if account in entries:
            del entries[account]
            self._write_file(entries)
