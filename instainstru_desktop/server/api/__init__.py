"""The HTTP layer: it parses input, calls a service, and maps errors to problem documents."""
