"""calendar views."""
