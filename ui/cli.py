"""Command-line options of the ``instainstru`` app, checked before Qt loads.

A bad option or server address must end in one sentence a person understands and exit code 2,
not in a traceback from deep inside the network stack minutes later.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from instainstru_desktop import __version__


class UsageError(Exception):
    """An option the app cannot work with; its message is shown as it is."""


@dataclass(frozen=True)
class AppOptions:
    """What the user asked for on the command line."""

    server_url: str | None  # None: the embedded server on loopback
    profile: Path | None  # a separate data and config folder
    self_test: bool
    theme: str | None


def normalize_server_url(raw: str) -> str:
    """Accept ``host:port`` or a full http(s) URL; refuse anything else with a clear reason."""
    text = raw.strip()
    if not text:
        raise UsageError("The server address is empty. Give one like https://lessons.example.org")
    if "://" not in text:
        text = f"http://{text}"
    parts = urlsplit(text)
    if parts.scheme not in {"http", "https"}:
        raise UsageError(
            f"“{raw}” is not a server address the app can use: it must start with http:// or "
            "https://, for example https://lessons.example.org"
        )
    try:
        port = parts.port
    except ValueError:
        raise UsageError(f"“{raw}” has a port that is not a number between 1 and 65535.") from None
    if not parts.hostname or " " in parts.netloc:
        raise UsageError(f"“{raw}” has no host name. Give one like https://lessons.example.org")
    if port == 0:
        raise UsageError(f"“{raw}” has port 0; give the port the server listens on.")
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="instainstru",
        description="Plan your teaching week: hours, lessons, notes — online or offline.",
    )
    parser.add_argument(
        "--server",
        metavar="URL",
        help="connect to an InstaInstru server instead of the built-in one (asks you to sign in)",
    )
    parser.add_argument(
        "--profile", metavar="DIR", type=Path, help="keep data and settings in DIR instead"
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="start offscreen, load and paint the week, sync once and exit (0 = all good)",
    )
    parser.add_argument("--theme", choices=["light", "dark", "system"], help="colour theme")
    parser.add_argument("--version", action="version", version=f"InstaInstru {__version__}")
    return parser


def parse_options(argv: list[str]) -> AppOptions:
    """Parse ``argv`` (without the program name); raises :class:`UsageError` on bad input."""
    args = build_parser().parse_args(argv)
    server = normalize_server_url(args.server) if args.server is not None else None
    profile = args.profile.expanduser().resolve() if args.profile else None
    return AppOptions(
        server_url=server, profile=profile, self_test=args.self_test, theme=args.theme
    )
