"""Secret keys and session tokens live in the OS keyring, one entry per profile, or only in memory.

keyring silently falls back to backends that store nothing (``fail``) or store secrets in plain
text (``keyrings.alt``).  :class:`SecretStore` refuses those, says why, and then keeps secrets in
memory for this run only, so the user can still connect.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from dataclasses import dataclass

import keyring
import keyring.errors
from keyring.backend import KeyringBackend

from s3browser.core.base.redaction import register_secret

log = logging.getLogger(__name__)

SERVICE = "s3browser"

HOW_TO_GET_A_KEYRING = (
    "Install and unlock a Secret Service such as GNOME Keyring or KWallet "
    "(Debian/Ubuntu: apt install gnome-keyring), or use the macOS Keychain / Windows Credential Manager. "
    "Until then, secrets are kept in memory for this session only."
)


@dataclass(frozen=True, repr=False)
class Secrets:
    """The secret half of a credential; its repr never shows the values."""

    secret_access_key: str
    session_token: str = ""

    def __repr__(self) -> str:
        return "Secrets(••••)"

    def to_json(self) -> str:
        return json.dumps({"secret_access_key": self.secret_access_key, "session_token": self.session_token})

    @classmethod
    def from_json(cls, text: str) -> Secrets:
        data = json.loads(text)
        return cls(data.get("secret_access_key", ""), data.get("session_token", ""))


def insecurity_reason(backend: KeyringBackend) -> str | None:
    """Why ``backend`` must not hold secrets, or None when it is a real, encrypted store."""
    module = type(backend).__module__
    name = type(backend).__name__
    if module.startswith(("keyring.backends.fail", "keyring.backends.null")):
        return "no keyring service is running"
    if module.startswith("keyrings.alt") and "Encrypted" not in name:
        return f"the only keyring found ({name}) would write secrets unencrypted to a file"
    if module.startswith("keyrings.alt") and "Encrypted" in name:
        return f"the only keyring found ({name}) would prompt on the terminal for a file password"
    return None


def choose_backend(backend: KeyringBackend | None = None) -> tuple[KeyringBackend | None, str | None]:
    """Pick the best secure backend, looking inside keyring's chainer; else (None, refusal message)."""
    if backend is None:
        try:
            backend = keyring.get_keyring()
        except Exception as exc:  # noqa: BLE001 - e.g. PYTHON_KEYRING_BACKEND names a class that cannot load
            configured = os.environ.get("PYTHON_KEYRING_BACKEND", "")
            which = f"the keyring backend {configured!r} (PYTHON_KEYRING_BACKEND)" if configured else \
                "the configured keyring backend"
            log.warning("keyring backend unusable: %s: %s", type(exc).__name__, exc)
            return None, (f"Secrets cannot be saved securely: {which} cannot be loaded ({type(exc).__name__}). "
                          f"{HOW_TO_GET_A_KEYRING}")
    candidates = list(getattr(backend, "backends", None) or [backend])
    candidates.sort(key=lambda b: getattr(b, "priority", 0), reverse=True)
    reasons = []
    for candidate in candidates:
        reason = insecurity_reason(candidate)
        if reason is None:
            return candidate, None
        reasons.append(reason)
    detail = reasons[0] if reasons else "no keyring backend is available"
    return None, f"Secrets cannot be saved securely: {detail}. {HOW_TO_GET_A_KEYRING}"


class SecretStore:
    """Per-profile secrets in a secure keyring backend, with a memory-only fallback.

    The backend is chosen on first use, not when the store is made: finding it may ask the
    desktop's Secret Service over D-Bus, which a window must never wait for on its GUI thread.
    The app warms it up on a thread at start (:meth:`warm_up`); :meth:`peek` answers without waiting.
    """

    def __init__(self, backend: KeyringBackend | None = None) -> None:
        self._requested = backend
        self._chosen = False
        self._choose_lock = threading.Lock()
        self._backend: KeyringBackend | None = None
        self._refusal: str | None = None
        self._memory: dict[str, Secrets] = {}

    def warm_up(self) -> None:
        """Choose the backend now (from a worker thread: it may talk to the Secret Service)."""
        if self._chosen:
            return
        with self._choose_lock:
            if not self._chosen:
                self._backend, self._refusal = choose_backend(self._requested)
                self._chosen = True

    def peek(self) -> tuple[bool, str | None, str]:
        """(whether the backend is chosen yet, the refusal, the backend's name), never waiting."""
        if not self._chosen:
            return False, None, "not checked yet"
        return True, self._refusal, self._name()

    @property
    def refusal(self) -> str | None:
        self.warm_up()
        return self._refusal

    @refusal.setter
    def refusal(self, value: str | None) -> None:
        self._refusal = value

    @property
    def is_secure(self) -> bool:
        self.warm_up()
        return self._backend is not None

    @property
    def backend_name(self) -> str:
        self.warm_up()
        return self._name()

    def _name(self) -> str:
        return type(self._backend).__name__ if self._backend else "memory only"

    def save(self, profile_name: str, secrets: Secrets) -> bool:
        """Store the secrets; True when they went to the keyring, False when kept in memory only."""
        register_secret(secrets.secret_access_key)
        register_secret(secrets.session_token)
        self._memory[profile_name] = secrets
        self.warm_up()
        if self._backend is None:
            return False
        try:
            self._backend.set_password(SERVICE, profile_name, secrets.to_json())
        except Exception as exc:  # noqa: BLE001 - KeyringError, or a backend's own D-Bus/OS error
            self.refusal = f"The keyring refused to store the secret ({type(exc).__name__}). {HOW_TO_GET_A_KEYRING}"
            log.warning("keyring refused to store the secret of profile %s: %s", profile_name, type(exc).__name__)
            return False
        return True

    def load(self, profile_name: str) -> Secrets | None:
        if profile_name in self._memory:
            return self._memory[profile_name]
        self.warm_up()
        if self._backend is None:
            return None
        try:
            text = self._backend.get_password(SERVICE, profile_name)
        except Exception as exc:  # noqa: BLE001 - KeyringError, or a backend's own D-Bus/OS error
            log.warning("keyring read failed for profile %s: %s", profile_name, type(exc).__name__)
            return None
        if not text:
            return None
        secrets = Secrets.from_json(text)
        register_secret(secrets.secret_access_key)
        register_secret(secrets.session_token)
        self._memory[profile_name] = secrets
        return secrets

    def delete(self, profile_name: str) -> None:
        self._memory.pop(profile_name, None)
        self.warm_up()
        if self._backend is None:
            return
        try:
            self._backend.delete_password(SERVICE, profile_name)
        except keyring.errors.PasswordDeleteError:
            pass  # nothing stored: already gone
        except Exception as exc:  # noqa: BLE001 - KeyringError, or a backend's own D-Bus/OS error
            log.warning("keyring delete failed for profile %s: %s", profile_name, type(exc).__name__)
