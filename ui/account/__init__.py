"""Where the app connects to: the built-in server or a server at an address, and signing in."""
