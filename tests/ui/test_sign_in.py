"""The sign-in form for a real server: built from forms/sign_in.ui, refuses half-filled input."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QLabel

from ui.account.sign_in import SignInDialog
from ui.appearance.theme import apply_theme


@pytest.fixture
def form(qtbot):
    dialog = SignInDialog(None, "https://lessons.example.org", "Your sign-in has expired.")
    qtbot.addWidget(dialog.dialog)
    return dialog


def test_sign_in_needs_an_email_and_a_password(form) -> None:
    assert not form.ok.isEnabled()
    form.email.setText("maria@example.org")
    assert not form.ok.isEnabled()
    form.password.setText("secret")
    assert form.ok.isEnabled()
    form.email.setText("not an email")
    assert not form.ok.isEnabled()


def test_sign_in_gives_back_what_was_typed_trimmed(form) -> None:
    form.email.setText("  maria@example.org ")
    form.password.setText(" pass with spaces ")
    assert form.credentials() == ("maria@example.org", " pass with spaces ")


def test_the_form_says_where_and_why(form) -> None:
    assert form.dialog.windowTitle() == "Sign in to InstaInstru"
    assert form.ok.text() == "Sign in"
    labels = [label.text() for label in form.dialog.findChildren(QLabel)]
    assert any("lessons.example.org" in text for text in labels), labels
    assert "Your sign-in has expired." in labels


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_sign_in_screenshot(form, save_shot, theme: str) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app, theme)
    try:
        form.email.setText("maria.lopez@demo.instainstru.app")
        form.password.setText("secret")
        form.dialog.show()
        path = save_shot(form.dialog, f"sign_in_{theme}")
        assert path.stat().st_size > 0
    finally:
        apply_theme(app, "light")
