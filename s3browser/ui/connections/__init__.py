"""Connecting: the connection controller, the connection dialog and the first-run welcome screen."""
