"""s3browser's Qt-free core: profiles, credentials, connections, listing and object operations.

This package is also the documented Python API::

    from s3browser.core import connect, list_buckets, list_objects, upload_bytes, download_bytes, exists, delete

Nothing here imports Qt; it runs without a display.

The API's names are gathered in :mod:`s3browser.core.api` and loaded on first use, so a program
that needs one room (a transfer worker imports only ``transfers``) does not load every other
(importing the whole API took ~0.34 s in each worker, the transfer room alone 0.18-0.30 s).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from s3browser.core.api import *  # noqa: F403
    from s3browser.core.api import __all__  # noqa: F401


def __getattr__(name: str) -> Any:
    api = importlib.import_module("s3browser.core.api")  # not `from .. import`: that asks __getattr__ again
    if name == "__all__" or name in api.__all__:
        return getattr(api, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
