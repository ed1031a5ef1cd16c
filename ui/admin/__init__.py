"""admin views."""
