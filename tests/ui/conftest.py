"""Fixtures for GUI tests: a real main window on the offscreen platform, talking to moto."""

from __future__ import annotations

import pytest

from s3browser.core.settings.profiles import ProfileStore
from s3browser.core.settings.secrets import SecretStore
from s3browser.ui.main_window import MainWindow
from s3browser.ui.shell import interaction
from tests.conftest import ACCESS_KEY, FAST_FAILING, SECRET_KEY, _profile


class ScriptedInteraction(interaction.Interaction):
    """Answers every question from scripted lists and records it; no test ever blocks on a dialog.

    With nothing scripted: confirmations say yes (so closing a window at teardown never hangs),
    overwrite, download-conflict and object-conflict questions cancel, folder questions return ``folder``.
    """

    def __init__(self) -> None:
        self.answers: list[bool] = []
        self.questions: list[str] = []
        self.overwrite_answers: list = []
        self.overwrite_questions: list[list[str]] = []
        self.folder = None
        self.folder_purposes: list[str] = []
        self.conflict_answers: list = []  # (Conflict, apply to the rest) or None
        self.conflict_questions: list[tuple[str, int]] = []  # (key, remaining)
        self.object_conflict_answers: list = []  # Conflict or None (cancel)
        self.resume_answers: list = []  # interaction.Resume; Later when none is scripted
        self.object_conflict_questions: list[tuple[str, list[str], int]] = []  # (title, keys, total)

    def confirm(self, parent, title: str, text: str) -> bool:  # noqa: ANN001
        self.questions.append(text)
        return self.answers.pop(0) if self.answers else True

    def choose_overwrite(self, parent, conflicts, total):  # noqa: ANN001
        self.overwrite_questions.append(list(conflicts))
        return self.overwrite_answers.pop(0) if self.overwrite_answers else None

    def choose_conflict(self, parent, remote, folder, remaining):  # noqa: ANN001
        self.conflict_questions.append((remote.key, remaining))
        return self.conflict_answers.pop(0) if self.conflict_answers else None

    def choose_object_conflict(self, parent, title, existing, total):  # noqa: ANN001
        self.object_conflict_questions.append((title, list(existing), total))
        return self.object_conflict_answers.pop(0) if self.object_conflict_answers else None

    def choose_resume(self, parent, text):  # noqa: ANN001
        self.questions.append(text)
        return self.resume_answers.pop(0) if self.resume_answers else interaction.Resume.LATER

    def choose_folder(self, parent, title, purpose="download"):  # noqa: ANN001
        self.folder_purposes.append(purpose)
        return self.folder

    def choose_files(self, parent, title):  # noqa: ANN001
        return []


@pytest.fixture(autouse=True)
def answers():
    scripted = ScriptedInteraction()
    previous = interaction.install(scripted)
    yield scripted
    interaction.install(previous)


@pytest.fixture
def runner(qtbot):
    """A task runner that is drained and destroyed at the end of the test, not at interpreter exit."""
    import shiboken6

    from s3browser.ui.shell.tasks import TaskRunner

    task_runner = TaskRunner()
    yield task_runner
    task_runner.shutdown()
    for child in task_runner.children():
        child.setParent(None)
    shiboken6.delete(task_runner)


@pytest.fixture
def store(memory_keyring) -> ProfileStore:
    return ProfileStore(SecretStore())


@pytest.fixture
def context(runner, store):
    """An application context with no window: what controllers and dialogs are handed."""
    from s3browser.ui.shell.context import AppContext

    ctx = AppContext(store, runner)
    yield ctx
    ctx.transfers.shutdown()


@pytest.fixture
def window(qtbot, store):
    win = MainWindow(store)
    win.ctx.connection_options = dict(FAST_FAILING)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.shutdown()


def wait_loaded(qtbot, win, timeout: int = 15000) -> None:
    qtbot.waitUntil(lambda: not win.table_model.is_loading, timeout=timeout)


@pytest.fixture
def connected(qtbot, window, s3_endpoint):
    """The window connected to the moto server (buckets listed)."""
    from s3browser.core.settings.secrets import Secrets

    with qtbot.waitSignal(window.connections.connected, timeout=10000):
        window.connections.connect_profile(_profile(s3_endpoint), Secrets(SECRET_KEY), remember=False)
    wait_loaded(qtbot, window)
    return window


def table_names(win) -> list[str]:
    model = win.table_model
    return [model.index(r, 0).data() for r in range(model.rowCount())]


__all__ = ["ACCESS_KEY", "SECRET_KEY", "table_names", "wait_loaded"]
