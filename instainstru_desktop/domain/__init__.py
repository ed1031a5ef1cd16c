"""domain layer of the InstaInstru core."""
