"""The built-in demo endpoint: a moto S3 server in this process, on 127.0.0.1, seeded with samples.

moto is an optional dependency (the ``demo`` extra).  Seeding goes straight into moto's in-process
backend: 5,000 PUTs over HTTP would take half a minute, this takes a tenth of a second.
"""

from __future__ import annotations

import logging
import struct
import zlib
from dataclasses import dataclass
from typing import Any

from s3browser.core.settings.profiles import SOURCE_DEMO, Profile
from s3browser.core.settings.secrets import Secrets

DEMO_ACCESS_KEY = "demo-access-key"
DEMO_SECRET = "demo-secret-key"
DEMO_REGION = "us-east-1"
BIG_PREFIX_COUNT = 5000


def _png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A small solid-colour PNG, built by hand so that core needs no imaging library."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    row = b"\x00" + bytes(rgb) * width
    raw = zlib.compress(row * height)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def sample_objects() -> dict[str, dict[str, bytes]]:
    """Bucket -> key -> body for the unversioned demo buckets."""
    photos = {f"2026/{month}/photo-{i:02d}.png": _png(32, 24, (40 * i % 256, 90, 200 - 10 * i))
              for month in ("01-january", "02-february") for i in range(1, 7)}
    photos["cover.png"] = _png(64, 48, (240, 160, 40))
    documents = {
        "README.txt": b"Welcome to the s3browser demo endpoint.\nEverything here lives in memory.\n",
        "reports/2025/q4/summary.txt": b"Quarterly summary\n",
        "reports/2026/q1/summary.txt": b"Q1 numbers\n",
        "reports/2026/q1/data.csv": b"region,total\nnorth,12\nsouth,7\n",
        "notes/meeting notes.txt": b"A key with spaces.\n",
        "notes/café/menü.txt": "Non-ASCII keys: 日本語, Ελληνικά, русский.\n".encode(),
        "notes/日本語/ファイル.md": "# 日本語のファイル\n".encode(),
        "archive/backup.tar.gz": zlib.compress(b"not really a tarball" * 100),
        "web/index.html": b"<html><body><h1>Hello</h1></body></html>\n",
        "web/style.css": b"body { font-family: sans-serif; }\n",
        "web/app.js": b"console.log('hello');\n",
        "data/config.json": b'{"demo": true}\n',
    }
    logs = {f"app/2026/11/{i:05d}.log": f"line {i}\n".encode() for i in range(BIG_PREFIX_COUNT)}
    logs["app/latest.log"] = b"latest\n"
    return {"demo-photos": photos, "demo-documents": documents, "demo-logs": logs}


@dataclass
class DemoEndpoint:
    """A running demo server; ``stop()`` shuts it down."""

    server: Any  # moto.server.ThreadedMotoServer (moto is an optional extra)
    endpoint_url: str

    def profile(self) -> Profile:
        # Soft delete is on so the trash can be tried: deleted objects go to the bucket's trash.
        return Profile(name="Demo (local)", endpoint_url=self.endpoint_url, region=DEMO_REGION,
                       access_key_id=DEMO_ACCESS_KEY, path_style=True, source=SOURCE_DEMO, soft_delete=True)

    @staticmethod
    def secrets() -> Secrets:
        return Secrets(DEMO_SECRET)

    def stop(self) -> None:
        self.server.stop()


def start_demo_endpoint(seed: bool = True) -> DemoEndpoint:
    """Start moto on a free loopback port and fill it with the demo data."""
    try:
        from moto.server import ThreadedMotoServer
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise RuntimeError("The demo endpoint needs moto: pip install 's3browser[demo]'") from exc
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = DemoEndpoint(server, f"http://{host}:{port}")
    if seed:
        _seed()
    return endpoint


def _seed() -> None:
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.s3.models import s3_backends

    backend = s3_backends[DEFAULT_ACCOUNT_ID]["aws"]
    for bucket, objects in sample_objects().items():
        backend.create_bucket(bucket, DEMO_REGION)
        for key, body in objects.items():
            backend.put_object(bucket, key, body)
    backend.create_bucket("demo-versioned", DEMO_REGION)
    backend.put_bucket_versioning("demo-versioned", "Enabled")
    for version in range(1, 4):
        backend.put_object("demo-versioned", "contract.txt", f"contract draft {version}\n".encode())
    backend.put_object("demo-versioned", "policy.md", b"# Policy\n")
