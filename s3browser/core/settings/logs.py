"""The rotating operations log: what was done and what failed, never a secret."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from s3browser.core.s3.redaction import RedactingFilter
from s3browser.core.settings.dirs import log_dir

LOG_FILE_NAME = "s3browser.log"
_handler: logging.Handler | None = None


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
        logger.removeHandler(_handler)
        _handler.close()
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=1_000_000, backupCount=5, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter())
    logger.addHandler(handler)
    logger.setLevel(level)
    _handler = handler
    # botocore logs request details at DEBUG; keep it at WARNING so headers never reach the file.
    logging.getLogger("botocore").setLevel(logging.WARNING)
    return path
