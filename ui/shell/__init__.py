"""The main window and what holds it together: the signed-in session, start-up, notices."""
