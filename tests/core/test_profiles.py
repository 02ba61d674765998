"""Profiles on disk, secrets in the keyring only, read-only AWS/env profiles, backend refusal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from keyring.backends import chainer, fail

from s3browser.core.settings.profiles import Profile, ProfileStore
from s3browser.core.settings.secrets import (
    SERVICE,
    Secrets,
    SecretStore,
    choose_backend,
)

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


def test_save_puts_secret_in_keyring_and_nothing_secret_on_disk(memory_keyring, isolated_home: Path) -> None:
    store = ProfileStore(SecretStore())
    persisted = store.save(Profile(name="work", endpoint_url="http://127.0.0.1:9", access_key_id="AKIA1"),
                           Secrets(SECRET, "token-value-123"))
    assert persisted
    text = store.path.read_text()
    assert SECRET not in text and "token-value-123" not in text
    assert json.loads(text)["profiles"][0]["access_key_id"] == "AKIA1"
    assert store.path.stat().st_mode & 0o777 == 0o600
    assert json.loads(memory_keyring.entries[(SERVICE, "work")])["secret_access_key"] == SECRET

    fresh = ProfileStore(SecretStore())  # a new store reads back from disk and keyring
    assert fresh.get("work").endpoint_url == "http://127.0.0.1:9"
    assert fresh.secrets.load("work") == Secrets(SECRET, "token-value-123")
    for path in isolated_home.rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path


def test_rename_moves_secret_and_delete_removes_it(memory_keyring) -> None:
    store = ProfileStore(SecretStore())
    store.save(Profile(name="old", access_key_id="AK"), Secrets(SECRET))
    store.save(Profile(name="new", access_key_id="AK"), None, old_name="old")
    assert [p.name for p in store.profiles()] == ["new"]
    assert (SERVICE, "old") not in memory_keyring.entries
    assert ProfileStore(SecretStore()).secrets.load("new") == Secrets(SECRET)
    store.delete("new")
    assert store.profiles() == []
    assert memory_keyring.entries == {}


def test_invalid_profiles_are_rejected(memory_keyring) -> None:
    store = ProfileStore(SecretStore())
    with pytest.raises(ValueError, match="name"):
        store.save(Profile(name=" "), None)
    with pytest.raises(ValueError, match="http"):
        store.save(Profile(name="x", endpoint_url="ftp://host"), None)


def test_fail_backend_is_refused_and_secrets_stay_in_memory(isolated_home: Path) -> None:
    store = SecretStore(fail.Keyring())
    assert not store.is_secure
    assert "no keyring service" in store.refusal and "gnome-keyring" in store.refusal
    assert store.save("p", Secrets(SECRET)) is False
    assert store.load("p") == Secrets(SECRET)
    assert SecretStore(fail.Keyring()).load("p") is None  # gone with the process


def test_plaintext_backends_are_refused(tmp_path: Path) -> None:
    from keyrings.alt.file import PlaintextKeyring

    plaintext = PlaintextKeyring()
    plaintext.file_path = str(tmp_path / "plain.cfg")
    backend, refusal = choose_backend(plaintext)
    assert backend is None and "unencrypted" in refusal
    store = SecretStore(plaintext)
    store.save("p", Secrets(SECRET))
    assert not (tmp_path / "plain.cfg").exists()


def test_chainer_skips_insecure_members(memory_keyring) -> None:
    from keyrings.alt.file import PlaintextKeyring

    class Chain(chainer.ChainerBackend):
        @property
        def backends(self):
            return [PlaintextKeyring(), memory_keyring]

    chosen, refusal = choose_backend(Chain())
    assert chosen is memory_keyring and refusal is None


def test_aws_and_environment_profiles_are_read_only(memory_keyring, isolated_home: Path, monkeypatch) -> None:
    (isolated_home / "aws-config").write_text(
        "[default]\nregion = eu-west-1\n[profile sso-dev]\nsso_session = corp\nsso_account_id = 1\n"
        "sso_role_name = r\n[sso-session corp]\nsso_start_url = https://x\nsso_region = eu-west-1\n")
    (isolated_home / "aws-credentials").write_text("[default]\naws_access_key_id = AKIAFILE\n"
                                                    "aws_secret_access_key = filesecret\n")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAENV")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "envsecret")
    monkeypatch.setenv("AWS_PROFILE", "sso-dev")
    store = ProfileStore(SecretStore())
    names = [p.name for p in store.profiles()]
    assert names == ["environment", "aws:sso-dev", "aws:default"]
    assert all(p.read_only for p in store.profiles())
    assert memory_keyring.entries == {}
    assert not store.path.exists()  # listing copies nothing anywhere


def test_soft_delete_option_is_kept_per_profile(memory_keyring) -> None:
    store = ProfileStore(SecretStore())
    store.save(Profile(name="careful", endpoint_url="http://127.0.0.1:9", access_key_id="AK", soft_delete=True),
               Secrets("sk"))
    store.save(Profile(name="plain", endpoint_url="http://127.0.0.1:9", access_key_id="AK"), Secrets("sk"))
    reloaded = ProfileStore(SecretStore(), store.path)
    assert reloaded.get("careful").soft_delete and not reloaded.get("plain").soft_delete


@pytest.mark.parametrize("damage", [b'{"profiles": [{"name": "work", "endpoint_url": "http://a:1"',
                                    b"\xff\xfe\x00garbage", b'{"something": "else"}', b'{"profiles": "not a list"}'])
def test_a_damaged_profiles_file_is_kept_and_never_overwritten(memory_keyring, damage: bytes) -> None:
    store = ProfileStore(SecretStore())
    store.save(Profile(name="home", access_key_id="AK"), None)
    store.path.write_bytes(damage)
    assert [p.name for p in store.profiles() if not p.read_only] == []
    assert "could not be used" in store.problem and str(store.path) in store.problem
    backup = store.path.with_name("profiles.json.unreadable")
    assert backup.read_bytes() == damage
    from s3browser.core.base.errors import S3BrowserError

    with pytest.raises(S3BrowserError, match="Fix or remove the file"):
        store.save(Profile(name="new", access_key_id="AK"), None)
    assert store.path.read_bytes() == damage, "what could not be read is not overwritten"
    store.path.unlink()
    store.save(Profile(name="new", access_key_id="AK"), None)
    assert [p.name for p in ProfileStore(SecretStore()).profiles() if not p.read_only] == ["new"]


def test_profiles_are_written_atomically(memory_keyring, monkeypatch) -> None:
    import os

    store = ProfileStore(SecretStore())
    store.save(Profile(name="first", access_key_id="AK"), None)
    before = store.path.read_bytes()

    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError):
        store.save(Profile(name="second", access_key_id="AK"), None)
    assert store.path.read_bytes() == before, "a failed write leaves the old file whole"
    assert [p.name for p in store.path.parent.iterdir()] == ["profiles.json"], "no temporary file is left"


def test_command_line_profile_lookup_is_shared_by_the_window_and_sync(memory_keyring) -> None:
    from s3browser.core.settings.profiles import SOURCE_ADHOC, profile_for_command_line
    from s3browser.core.settings.secrets import Secrets

    store = ProfileStore(SecretStore())
    store.save(Profile(name="work", endpoint_url="https://s3.example.com", access_key_id="AK"), Secrets("SK"))
    profile, secrets = profile_for_command_line(store, "work", "http://127.0.0.1:9000")
    assert (profile.name, profile.endpoint_url, secrets) == ("work", "http://127.0.0.1:9000", Secrets("SK"))
    alone, none = profile_for_command_line(store, None, "http://127.0.0.1:9000")
    assert (alone.source, alone.endpoint_url, none) == (SOURCE_ADHOC, "http://127.0.0.1:9000", None)
    with pytest.raises(ValueError, match="no profile named 'nobody'"):
        profile_for_command_line(store, "nobody", None)
    with pytest.raises(ValueError, match="--endpoint-url: The endpoint URL must start with http"):
        profile_for_command_line(store, "work", "ftp://x")
    with pytest.raises(ValueError) as refused:  # the URL is never repeated: it may hold credentials
        profile_for_command_line(store, "work", "http://AK:hunter2-secret@host")
    assert "hunter2" not in str(refused.value)


def test_session_profiles_are_listed_first_and_never_stored(memory_keyring) -> None:
    from s3browser.core.settings.profiles import SOURCE_DEMO

    store = ProfileStore(SecretStore(), include_aws=False, environ={})
    store.save(Profile(name="saved", endpoint_url="http://127.0.0.1:9000", access_key_id="AK"), Secrets("saved-sk"))
    demo = Profile(name="Demo (local)", endpoint_url="http://127.0.0.1:9100", access_key_id="demo",
                   source=SOURCE_DEMO, soft_delete=True)
    store.add_session_profile(demo, Secrets("demo-sk"))
    assert [p.name for p in store.profiles()] == ["Demo (local)", "saved"]
    assert store.get("Demo (local)") == demo and demo.read_only
    assert store.secrets_for(demo) == Secrets("demo-sk")
    assert store.secrets_for(store.get("saved")) == Secrets("saved-sk")
    assert "Demo (local)" not in store.path.read_text() and "demo-sk" not in str(memory_keyring.entries)
    assert [p.name for p in ProfileStore(SecretStore(), path=store.path, include_aws=False,
                                         environ={}).profiles()] == ["saved"], "gone with the process"
