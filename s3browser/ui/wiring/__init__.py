"""How the window ties the features together: which actions are enabled when, and the context menus
that gather actions of several features.  Only the main window imports this; no feature does."""
