"""s3browser's Qt-free core: profiles, credentials, connections, listing and object operations.

This package is also the documented Python API::

    from s3browser.core import connect, list_buckets, list_objects, upload_bytes, download_bytes, exists, delete

Nothing here imports Qt; it runs without a display.
"""

from s3browser.core.api import *  # noqa: F403 - the documented API, gathered in api.py
from s3browser.core.api import __all__  # noqa: F401
