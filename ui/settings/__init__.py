"""Settings: the account's booking rules and zone, and this computer's own choices."""
