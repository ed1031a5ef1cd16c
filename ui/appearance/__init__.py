"""How the app looks: the light and dark palettes, icons, and where bundled resources are."""
