"""Controllers: what the window's actions do, one room per feature.

Each is handed the :class:`~s3browser.ui.context.AppContext` (never the main window) plus the
models and views it acts on, owns its actions, and reports through the context's message signals.
"""
