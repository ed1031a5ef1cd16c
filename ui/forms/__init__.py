"""Qt Designer forms (``*.ui``) for the dialogs, and the loader that builds widgets from them."""
