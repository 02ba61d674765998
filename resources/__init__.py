"""Icons and desktop files, shipped inside the wheel as ``s3browser.resources``."""
