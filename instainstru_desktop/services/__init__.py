"""services layer of the InstaInstru core."""
