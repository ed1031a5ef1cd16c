"""Slugs: the readable, stable part of an instructor's page address (``/maria-lopez``).

A slug is made once, from the name, when the instructor is created, and kept when the name
changes: links students saved and shared keep working. It is lowercase ASCII letters, digits and
single hyphens, and never one of the words the pages themselves use as paths.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

MIN_LENGTH, MAX_LENGTH = 2, 60
PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
#: First path segments of the server's own pages and files: no instructor may take them.
RESERVED = frozenset(
    {
        "about",
        "admin",
        "api",
        "book",
        "events",
        "favicon-ico",
        "health",
        "help",
        "instructors",
        "lessons",
        "login",
        "logout",
        "me",
        "robots-txt",
        "sign-in",
        "sign-out",
        "sign-up",
        "static",
        "zone",
    }
)


def problem(slug: str) -> str | None:
    """Why ``slug`` cannot be an address (None: it can)."""
    if not MIN_LENGTH <= len(slug) <= MAX_LENGTH:
        return f"An address is {MIN_LENGTH} to {MAX_LENGTH} characters long."
    if not PATTERN.match(slug):
        return "Use lowercase letters, digits and single hyphens (like maria-lopez)."
    if slug in RESERVED:
        return "This address is used by the site itself; choose another."
    return None


def from_name(name: str) -> str:
    """The slug a name suggests: accents dropped, words joined by hyphens (``"instructor"``
    when nothing of the name is left, e.g. a name in a script without Latin letters)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_name.lower())
    slug = "-".join(words)[:MAX_LENGTH].strip("-")
    if len(slug) < MIN_LENGTH or slug in RESERVED:
        slug = f"{slug}-instructor".strip("-") if slug else "instructor"
    return slug


def candidates(base: str) -> Iterator[str]:
    """``base``, then ``base-2``, ``base-3``, ... (each within the length limit)."""
    yield base
    n = 2
    while True:
        suffix = f"-{n}"
        yield base[: MAX_LENGTH - len(suffix)].rstrip("-") + suffix
        n += 1


def first_free(base: str, taken: set[str]) -> str:
    """The first of :func:`candidates` not in ``taken``."""
    return next(c for c in candidates(base) if c not in taken)
