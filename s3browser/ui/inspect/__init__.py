"""Looking inside objects: properties, the preview pane, versions and undelete, open and edit in place,
folder sizes and restores from archive."""
