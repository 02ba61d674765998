"""Browsing buckets and folders: the bucket tree and the object table (their models and listing cache),
navigation, search, the path bar, selection and the object actions (new folder, rename, delete,
copy/paste, links, buckets, the trash), drag in and out, thumbnails and the local files pane."""
