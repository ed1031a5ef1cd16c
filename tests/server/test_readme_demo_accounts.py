"""The README's demo accounts exist in a freshly seeded studio and sign in as documented.

The README is read as a person reads it: every ``…@demo.instainstru.app`` address in the
"Demo accounts" table is tried with the password in its row, and must sign in with the role
the row names. A student address there that the seed does not make fails this test.
"""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from instainstru_desktop.server.app import create_app
from instainstru_desktop.server.core.settings import Settings
from tests.server.databases import DatabaseFactory
from tests.server.helpers import FakeClock
from tests.server.test_seed_and_cli import NOW

README = Path(__file__).resolve().parents[2] / "README.md"
ROLES = ("admin", "instructor", "student")


def documented_accounts() -> list[tuple[str, str, str]]:
    """(role, email, password) for each address in the README's demo accounts table."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## Demo accounts", 1)[1].split("\n## ", 1)[0]
    accounts = []
    for row in section.splitlines():
        cells = [c.strip() for c in row.strip().strip("|").split("|")]
        if len(cells) != 3:
            continue
        who, emails, password = cells
        addresses = re.findall(r"`([\w.+-]+@demo\.instainstru\.app)`", emails)
        if not addresses:
            continue
        role = next(r for r in ROLES if r in who)
        secret = re.fullmatch(r"`([^`]+)`", password)
        assert secret, f"the row for {who} names no password"
        accounts += [(role, address, secret.group(1)) for address in addresses]
    return accounts


def test_the_readme_names_real_accounts_of_every_role() -> None:
    accounts = documented_accounts()
    roles = [role for role, _, _ in accounts]
    assert set(roles) == set(ROLES)
    assert roles.count("student") >= 3
    assert roles.count("instructor") >= 3


def test_every_documented_demo_account_signs_in_with_its_password(
    databases: DatabaseFactory,
) -> None:
    app = create_app(
        Settings(database_url=databases.new("demo"), seed_demo=True), clock=FakeClock(NOW)
    )
    with TestClient(app) as client:
        for role, email, password in documented_accounts():
            answer = client.post("/api/v1/auth/token", json={"email": email, "password": password})
            assert answer.status_code == 200, (email, answer.text)
            assert answer.json()["user"]["role"] == role, email
