"""The rotating operations log: what was done and what failed, never a secret."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from s3browser.core.base.redaction import RedactingFilter
from s3browser.core.settings.dirs import log_dir

LOG_FILE_NAME = "s3browser.log"
_handler: logging.Handler | None = None


LIBRARY_LOGGERS = ("keyring", "botocore", "boto3", "s3transfer", "urllib3")


def setup_logging(level: int = logging.INFO) -> Path:
    """Attach one rotating file handler (1 MB x 5) to the ``s3browser`` logger; idempotent."""
    global _handler
    folder = log_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOG_FILE_NAME
    logger = logging.getLogger("s3browser")
    if _handler is not None and Path(getattr(_handler, "baseFilename", "")) == path:
        return path
    if _handler is not None:
        for name in ("s3browser", *LIBRARY_LOGGERS):
            logging.getLogger(name).removeHandler(_handler)
        _handler.close()
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=1_000_000, backupCount=5, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter())
    logger.addHandler(handler)
    logger.setLevel(level)
    _handler = handler
    # The libraries' warnings go to the same file instead of an unseen stderr (keyring 24.0 warns there
    # on every start when no keyringrc.cfg exists).  WARNING only: botocore logs request headers at DEBUG.
    for name in LIBRARY_LOGGERS:
        library = logging.getLogger(name)
        library.addHandler(handler)
        library.setLevel(logging.WARNING)
    return path
