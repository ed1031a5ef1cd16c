"""lessons views."""
