"""Small widgets shared by the screens (status bar, ...)."""
