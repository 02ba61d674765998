"""Sync pairs: a local folder and an ``s3://bucket/prefix/``, with a mode, a compare method, ignore
patterns and a name, saved per profile in ``sync-pairs.json`` (non-secret settings only).

A pair's id is derived from what it connects (profile, folder, bucket, prefix), so the command
line and the window share one baseline for the same pair, and two folders paired with the same
prefix (two people, or two machines) each keep their own.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from s3browser.core.settings.atomic_files import write_atomic
from s3browser.core.settings.dirs import config_dir
from s3browser.core.sync.ignore import DEFAULT_PATTERNS
from s3browser.core.sync.plan import Compare, Mode, Resolution

log = logging.getLogger(__name__)


def pair_id(profile: str, local: Path | str, bucket: str, prefix: str) -> str:
    identity = "\n".join((profile, str(Path(local).expanduser().absolute()), bucket, prefix))
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()[:20]


def normalise_prefix(prefix: str) -> str:
    prefix = prefix.lstrip("/")
    return prefix if not prefix or prefix.endswith("/") else prefix + "/"


def parse_s3_uri(uri: str) -> tuple[str, str] | None:
    """``s3://bucket/some/prefix`` -> (bucket, "some/prefix/"); None if it is not such a URI."""
    if not uri.startswith("s3://"):
        return None
    bucket, _, prefix = uri[5:].partition("/")
    if not bucket:
        return None
    return bucket, normalise_prefix(prefix)


@dataclass(frozen=True)
class LastRun:
    finished_at: float = 0.0
    done: int = 0
    skipped: int = 0
    failed: int = 0
    summary: str = ""


@dataclass(frozen=True)
class SyncPair:
    name: str
    profile: str
    local: str
    bucket: str
    prefix: str
    mode: Mode = Mode.TWO_WAY
    compare: Compare = Compare.SIZE_TIME
    conflict: Resolution = Resolution.KEEP_BOTH
    ignore: tuple[str, ...] = DEFAULT_PATTERNS
    last_run: LastRun = field(default_factory=LastRun)

    @property
    def id(self) -> str:
        return pair_id(self.profile, self.local, self.bucket, self.prefix)

    @property
    def uri(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"

    def to_json(self) -> dict:
        data = asdict(self)
        data.update(mode=self.mode.value, compare=self.compare.value, conflict=self.conflict.value,
                    ignore=list(self.ignore))
        return data

    @classmethod
    def from_json(cls, data: dict) -> SyncPair:
        return cls(name=str(data["name"]), profile=str(data["profile"]), local=str(data["local"]),
                   bucket=str(data["bucket"]), prefix=normalise_prefix(str(data.get("prefix", ""))),
                   mode=Mode(data.get("mode", Mode.TWO_WAY.value)),
                   compare=Compare(data.get("compare", Compare.SIZE_TIME.value)),
                   conflict=Resolution(data.get("conflict", Resolution.KEEP_BOTH.value)),
                   ignore=tuple(str(p) for p in data.get("ignore", DEFAULT_PATTERNS)),
                   last_run=LastRun(**data.get("last_run", {})))


class PairStore:
    """All pairs of all profiles in one JSON file, written atomically; a damaged file is kept, not overwritten."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or config_dir() / "sync-pairs.json"
        self.problem = ""

    def _read(self) -> list[SyncPair] | None:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        try:
            return [SyncPair.from_json(item) for item in json.loads(text).get("pairs", [])]
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            self.problem = (f"The sync pairs file {self.path} could not be read ({exc}); it was left as it is "
                            "and no pair can be saved until it is fixed or removed.")
            log.warning("%s", self.problem)
            return None

    def pairs(self, profile: str | None = None) -> list[SyncPair]:
        pairs = self._read() or []
        return [p for p in pairs if profile is None or p.profile == profile]

    def save(self, pair: SyncPair, old: SyncPair | None = None) -> bool:
        """Add or replace a pair (``old`` is the one it replaces); False when the file is damaged."""
        pairs = self._read()
        if pairs is None:
            return False
        replaced = {old.id} if old is not None else set()
        replaced.add(pair.id)
        kept = [p for p in pairs if p.id not in replaced]
        self._write([*kept, pair])
        return True

    def record_run(self, pair: SyncPair, last_run: LastRun) -> SyncPair:
        updated = replace(pair, last_run=last_run)
        self.save(updated, pair)
        return updated

    def delete(self, pair: SyncPair) -> None:
        pairs = self._read()
        if pairs is not None:
            self._write([p for p in pairs if p.id != pair.id])

    def _write(self, pairs: list[SyncPair]) -> None:
        payload = {"version": 1, "pairs": [p.to_json() for p in sorted(pairs, key=lambda p: (p.profile, p.name))]}
        write_atomic(self.path, json.dumps(payload, indent=2).encode("utf-8"))
