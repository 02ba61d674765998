"""Where s3browser keeps its files: platform folders from platformdirs, nothing hand-rolled."""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP_NAME = "s3browser"


def config_dir() -> Path:
    """Folder for non-secret settings such as profiles.json (XDG_CONFIG_HOME on Linux)."""
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def log_dir() -> Path:
    """Folder for the rotating operations log (XDG_STATE_HOME on Linux)."""
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def state_dir() -> Path:
    """Folder for state that must survive a restart, such as the upload journal (XDG_STATE_HOME)."""
    return Path(platformdirs.user_state_dir(APP_NAME, appauthor=False))


def cache_dir() -> Path:
    """Folder for things that may be thrown away: opened copies, thumbnails (XDG_CACHE_HOME on Linux)."""
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))
