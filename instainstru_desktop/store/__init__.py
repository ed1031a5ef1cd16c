"""store layer of the InstaInstru core."""
