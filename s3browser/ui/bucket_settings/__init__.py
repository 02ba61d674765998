"""Bucket settings: the dialog, one tab per setting, and its controller."""
