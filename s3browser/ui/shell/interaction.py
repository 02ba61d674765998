"""Questions to the user behind one small interface, so logic and tests never block on a modal box.

Tests replace :data:`interaction` with a scripted answerer; the app uses message boxes.
"""

from __future__ import annotations

import enum
from pathlib import Path

import platformdirs
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from s3browser.core.transfers.conflicts import Conflict
from s3browser.core.transfers.options import Overwrite
from s3browser.core.transfers.plans import RemoteFile
from s3browser.ui.shell import settings
from s3browser.ui.shell.conflict_box import conflict_box, object_conflict_box
from s3browser.ui.shell.formatting import already_exist


class Resume(enum.Enum):
    """The answers to "resume unfinished transfers?"."""

    RESUME = "resume"
    LATER = "later"  # keep everything and ask again next time
    DISCARD = "discard"  # delete the uploaded parts and partial downloads


class Interaction:
    def confirm(self, parent: QWidget | None, title: str, text: str) -> bool:
        answer = QMessageBox.question(parent, title, text,
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def choose_overwrite(self, parent: QWidget | None, conflicts: list[str], total: int) -> Overwrite | None:
        """Asked once per batch: what to do with files that already exist (None cancels the batch)."""
        box = QMessageBox(QMessageBox.Icon.Question, "Files already exist",
                          f"{already_exist(len(conflicts), total, 'file')} at the destination"
                          + (":\n" if len(conflicts) == 1 else ", for example:\n")
                          + "\n".join(f"  {name}" for name in conflicts[:5])
                          + (f"\n  and {len(conflicts) - 5:,} more" if len(conflicts) > 5 else ""), parent=parent)
        buttons = {box.addButton("Overwrite all", QMessageBox.ButtonRole.AcceptRole): Overwrite.OVERWRITE,
                   box.addButton("Skip existing", QMessageBox.ButtonRole.AcceptRole): Overwrite.SKIP,
                   box.addButton("Only if different", QMessageBox.ButtonRole.AcceptRole): Overwrite.IF_DIFFERENT}
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel)  # Enter must never overwrite
        box.setEscapeButton(cancel)
        self.last_box = box
        box.exec()
        clicked = box.clickedButton()
        return next((choice for button, choice in buttons.items() if button is clicked), None)

    def choose_conflict(self, parent: QWidget | None, remote: RemoteFile, folder: Path,
                        remaining: int) -> tuple[Conflict, bool] | None:
        """A download would land on an existing file: replace, skip or keep both, for this file or
        (with the box ticked) for the ``remaining`` ones too; None cancels the whole download."""
        box = conflict_box(parent, remote, folder, remaining)
        self.last_box = box
        box.exec()
        return box.answer()

    def choose_object_conflict(self, parent: QWidget | None, title: str, existing: list[str],
                               total: int) -> Conflict | None:
        """Objects would land on keys that hold other objects: replace them, skip them, or keep both
        (under free names); None cancels.  Keep both is the default: Enter never replaces."""
        box = object_conflict_box(parent, title, existing, total)
        self.last_box = box
        box.exec()
        return box.answer()

    def choose_resume(self, parent: QWidget | None, text: str) -> Resume:
        """Resume (the default), Later (Esc, or closing the box), or Discard, which is never a default."""
        box = QMessageBox(QMessageBox.Icon.Question, "Resume unfinished transfers", text, parent=parent)
        resume = box.addButton("&Resume", QMessageBox.ButtonRole.AcceptRole)
        later = box.addButton("&Later", QMessageBox.ButtonRole.RejectRole)
        discard = box.addButton("&Discard them", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(resume)
        box.setEscapeButton(later)
        self.last_box = box
        box.exec()
        clicked = box.clickedButton()
        return Resume.RESUME if clicked is resume else Resume.DISCARD if clicked is discard else Resume.LATER

    def choose_folder(self, parent: QWidget | None, title: str, purpose: str = "download") -> Path | None:
        """A folder, the dialog opening where the last one of this ``purpose`` was chosen (for downloads
        the user's Downloads folder the first time)."""
        folder = QFileDialog.getExistingDirectory(parent, title, str(start_folder(purpose)))
        if not folder:
            return None
        settings.LAST_FOLDER(purpose).set(folder)
        return Path(folder)

    def choose_files(self, parent: QWidget | None, title: str) -> list[Path]:
        files, _ = QFileDialog.getOpenFileNames(parent, title)
        return [Path(f) for f in files]


def start_folder(purpose: str) -> Path:
    """Where a folder dialog for ``purpose`` opens: the last folder chosen for it, if it is still
    there; else the Downloads folder for downloads, the home folder for the rest."""
    last = settings.LAST_FOLDER(purpose).get()
    if last and Path(last).is_dir():
        return Path(last)
    downloads = _downloads_folder()
    return downloads if purpose == "download" and downloads.is_dir() else Path.home()


def _downloads_folder() -> Path:
    """The user's Downloads folder (platformdirs knows it from 3.2 on; before, the usual place)."""
    find = getattr(platformdirs, "user_downloads_dir", None)
    return Path(find()) if find is not None else Path.home() / "Downloads"


interaction = Interaction()


def install(replacement: Interaction) -> Interaction:
    """Swap the interaction used by the app; returns the previous one."""
    global interaction
    previous, interaction = interaction, replacement
    return previous


def confirm(parent: QWidget | None, title: str, text: str) -> bool:
    return interaction.confirm(parent, title, text)


def choose_overwrite(parent: QWidget | None, conflicts: list[str], total: int) -> Overwrite | None:
    return interaction.choose_overwrite(parent, conflicts, total)


def choose_conflict(parent: QWidget | None, remote: RemoteFile, folder: Path,
                    remaining: int) -> tuple[Conflict, bool] | None:
    return interaction.choose_conflict(parent, remote, folder, remaining)


def choose_object_conflict(parent: QWidget | None, title: str, existing: list[str], total: int) -> Conflict | None:
    return interaction.choose_object_conflict(parent, title, existing, total)


def choose_resume(parent: QWidget | None, text: str) -> Resume:
    return interaction.choose_resume(parent, text)


def choose_folder(parent: QWidget | None, title: str, purpose: str = "download") -> Path | None:
    return interaction.choose_folder(parent, title, purpose)


def choose_files(parent: QWidget | None, title: str) -> list[Path]:
    return interaction.choose_files(parent, title)
