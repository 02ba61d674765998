"""s3browser: a desktop file browser for Amazon S3 and S3-compatible stores."""

from s3browser.core.base.version import __version__

__all__ = ["__version__"]
