"""What an upload is asked to do (:class:`UploadOptions`), the multipart limits, and whether to overwrite.

Plain settings shared by the upload dialog, the queue and the engine; nothing here moves a byte.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from s3browser.core.local.content_types import guess_content_type

MiB = 1024 * 1024
GiB = 1024 * MiB
MIN_PART_SIZE = 5 * MiB
MAX_PART_SIZE = 5 * GiB
MAX_PARTS = 10_000
DEFAULT_PART_SIZE = 8 * MiB
DEFAULT_PARALLEL_PARTS = 10
STORAGE_CLASSES = ("", "STANDARD", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR",
                   "GLACIER", "DEEP_ARCHIVE", "REDUCED_REDUNDANCY")


class Overwrite(enum.Enum):
    ASK = "ask"
    OVERWRITE = "overwrite"
    SKIP = "skip existing"
    IF_DIFFERENT = "only if different"


@dataclass
class UploadOptions:
    overwrite: Overwrite = Overwrite.ASK
    storage_class: str = ""  # empty: the server's default
    content_type: str = ""  # empty: detected per file
    metadata: dict[str, str] = field(default_factory=dict)
    # Read when an instance is made (not when the class is): the module's setting at that time.
    part_size: int = field(default_factory=lambda: DEFAULT_PART_SIZE)
    parallel_parts: int = field(default_factory=lambda: DEFAULT_PARALLEL_PARTS)

    def to_dict(self) -> dict[str, Any]:
        return {"overwrite": self.overwrite.value, "storage_class": self.storage_class,
                "content_type": self.content_type, "metadata": dict(self.metadata),
                "part_size": self.part_size, "parallel_parts": self.parallel_parts}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> UploadOptions:
        return cls(Overwrite(data.get("overwrite", Overwrite.OVERWRITE.value)), data.get("storage_class", ""),
                   data.get("content_type", ""), dict(data.get("metadata", {})),
                   int(data.get("part_size", DEFAULT_PART_SIZE)),
                   int(data.get("parallel_parts", DEFAULT_PARALLEL_PARTS)))

    def extra_args(self, path: Path) -> dict[str, Any]:
        extra: dict[str, Any] = {"ContentType": self.content_type or guess_content_type(path.name)}
        if self.storage_class:
            extra["StorageClass"] = self.storage_class
        if self.metadata:
            extra["Metadata"] = dict(self.metadata)
        return extra


def validate_part_settings(part_size: int, parallel_parts: int, largest_file: int = 0) -> str | None:
    """Why these multipart settings cannot work, or None."""
    if part_size < MIN_PART_SIZE:
        return "The part size must be at least 5 MiB (an S3 limit)."
    if part_size > MAX_PART_SIZE:
        return "The part size must be at most 5 GiB (an S3 limit)."
    if not 1 <= parallel_parts <= 64:
        return "Parallel parts must be between 1 and 64."
    if largest_file and -(-largest_file // part_size) > MAX_PARTS:
        needed = -(-largest_file // MAX_PARTS)
        return (f"The largest file would need more than {MAX_PARTS:,} parts; use parts of at least "
                f"{-(-needed // MiB)} MiB.")
    return None


def needs_upload(policy: Overwrite, local_size: int, local_mtime: float,
                 remote: tuple[int, float] | None) -> bool:
    """Whether a file should be uploaded over what exists (``remote`` is (size, mtime) or None)."""
    if remote is None or policy == Overwrite.OVERWRITE:
        return True
    if policy == Overwrite.SKIP:
        return False
    if policy == Overwrite.IF_DIFFERENT:
        remote_size, remote_mtime = remote
        return remote_size != local_size or local_mtime > remote_mtime + 1
    raise ValueError("ASK must be resolved to another policy before uploading")

