"""A posted form with a control character in a field is refused, on every database.

PostgreSQL cannot store NUL; the pages read their forms in one place (``web.forms``), which
reads such a form as empty: every form then refuses it, and nothing is stored.
"""

from __future__ import annotations

import pytest

from tests.web.site import Site, csrf_of


@pytest.mark.parametrize("name", ["Kai\x00Web", "Kai\x1bWeb"])
def test_a_control_character_in_a_form_field_stores_nothing(site: Site, name: str) -> None:
    with site.client() as client:
        page = client.get("/sign-up")
        answer = client.post(
            "/sign-up",
            data={
                "csrf": csrf_of(page.text),
                "name": name,
                "email": "kai@example.com",
                "password": "long enough password",
                "time_zone": "Asia/Tokyo",
            },
        )
    assert answer.status_code in (403, 422), answer.text
    with site.uow.read() as tx:
        assert tx.users.by_email("kai@example.com") is None
