"""Server-side operations: copy, move, rename, delete, trash, buckets, versions, links, incomplete uploads."""
