"""server layer of the InstaInstru core."""
