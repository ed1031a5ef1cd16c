"""The Qt front end of InstaInstru Desktop: the only package that imports Qt widgets."""
