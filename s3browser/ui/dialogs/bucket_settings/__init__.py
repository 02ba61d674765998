"""The bucket settings dialog and its tabs (one module per setting)."""

from s3browser.ui.dialogs.bucket_settings.dialog import BucketSettingsDialog

__all__ = ["BucketSettingsDialog"]
