"""sync layer of the InstaInstru core."""
