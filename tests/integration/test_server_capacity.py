"""The test servers themselves: SeaweedFS takes as many buckets as the tier makes, whatever the disk.

A CI machine with less free disk than this one failed every PUT of a late test with InternalError:
``weed mini`` sized its volume slots from free disk, one collection per bucket used them up.
"""

from __future__ import annotations

import uuid

from tests.integration.conftest import _start
from tests.support.servers import start_seaweedfs

# Twice the ~20 buckets that weed mini's disk-derived default allowed on this machine.
BUCKETS = 40


def test_seaweedfs_takes_an_object_in_each_of_many_buckets(tmp_path) -> None:
    server = _start(start_seaweedfs, tmp_path / "seaweedfs")
    try:
        client = server.client()
        names = [f"cap-{i}-{uuid.uuid4().hex[:6]}" for i in range(BUCKETS)]
        for name in names:
            client.create_bucket(Bucket=name)
            client.put_object(Bucket=name, Key="one.txt", Body=name.encode())
        for name in names:
            assert client.get_object(Bucket=name, Key="one.txt")["Body"].read() == name.encode()
    finally:
        server.stop()
