"""Talking to S3: one client per connection, listing and its XML parser, errors (classify and describe), redaction."""
