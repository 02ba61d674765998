"""The local side: safe key-to-path mapping, safe writes, content types."""
