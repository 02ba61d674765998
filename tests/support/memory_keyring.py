"""An in-memory keyring backend for unit tests (secure by our rules: nothing touches disk)."""

from __future__ import annotations

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


class MemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}
        self.threads: list[str] = []  # the thread of every call: a GUI thread must never wait on one

    def _called(self) -> None:
        import threading

        self.threads.append(threading.current_thread().name)

    def get_password(self, service: str, username: str) -> str | None:
        self._called()
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self._called()
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self._called()
        if (service, username) not in self.entries:
            raise PasswordDeleteError("not found")
        del self.entries[(service, username)]
