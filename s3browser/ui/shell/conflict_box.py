"""The questions asked when a download would land on a file, or objects on keys, already there."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QCheckBox, QMessageBox, QWidget

from s3browser.core.transfers.conflicts import Conflict
from s3browser.core.transfers.plans import RemoteFile
from s3browser.ui.shell.formatting import already_exist, human_size, tr_n


class ConflictBox(QMessageBox):
    """Replace / Skip / Keep both / Cancel, with “do the same for the other N” when there are more.

    Keep both is the default: Enter never replaces a file and never loses a download.
    """

    def __init__(self, parent: QWidget | None, remote: RemoteFile, folder: Path, remaining: int) -> None:
        super().__init__(QMessageBox.Icon.Question, "File already exists", "", parent=parent)
        path = remote.target.path
        name = path.name if path is not None else remote.key
        where = path.parent if path is not None else folder
        self.setText(f"“{name}” already exists in {where}.")
        self.setInformativeText(f"The download is {human_size(remote.size)}. Replace the file on this computer, "
                                "skip this download, or keep both (the download is saved under a new name)?")
        self.replace_button = self.addButton("&Replace", QMessageBox.ButtonRole.DestructiveRole)
        self.skip_button = self.addButton("&Skip", QMessageBox.ButtonRole.RejectRole)
        self.keep_both_button = self.addButton("&Keep both", QMessageBox.ButtonRole.AcceptRole)
        self.cancel_button = self.addButton("Cancel download", QMessageBox.ButtonRole.RejectRole)
        self.setDefaultButton(self.keep_both_button)
        self.setEscapeButton(self.cancel_button)
        self.apply_all_check: QCheckBox | None = None
        if remaining:
            self.apply_all_check = QCheckBox(tr_n("Do the same for the other %n conflict(s)", remaining))
            self.setCheckBox(self.apply_all_check)

    def answer(self) -> tuple[Conflict, bool] | None:
        """What was chosen and whether it goes for the rest; None when cancelled (or closed)."""
        choice = {self.replace_button: Conflict.REPLACE, self.skip_button: Conflict.SKIP,
                  self.keep_both_button: Conflict.KEEP_BOTH}.get(self.clickedButton())  # type: ignore[call-overload]
        if choice is None:
            return None
        return choice, bool(self.apply_all_check is not None and self.apply_all_check.isChecked())


def conflict_box(parent: QWidget | None, remote: RemoteFile, folder: Path, remaining: int) -> ConflictBox:
    return ConflictBox(parent, remote, folder, remaining)


class ObjectConflictBox(QMessageBox):
    """Replace / Skip / Keep both / Cancel for objects that would land on keys already taken (a paste,
    a restore from the trash): asked once for the batch, with the first few keys named.

    Keep both is the default and Esc cancels: neither Enter nor Esc replaces anything."""

    def __init__(self, parent: QWidget | None, title: str, existing: list[str], total: int) -> None:
        super().__init__(QMessageBox.Icon.Question, title, "", parent=parent)
        shown = "\n".join(f"  {key}" for key in existing[:5])
        more = f"\n  and {len(existing) - 5:,} more" if len(existing) > 5 else ""
        self.setText(f"{already_exist(len(existing), total, 'object')} at "
                     f"{'its place' if total == 1 else 'their places'}:\n{shown}{more}")
        one = len(existing) == 1
        self.setInformativeText(f"Replace {'the object' if one else 'the objects'} there now, skip "
                                f"{'this one' if one else 'these'}, or keep both (the "
                                f"{'one' if one else 'ones'} coming in get{'s' if one else ''} a new name such as "
                                "“report (1).pdf”)?")
        self.replace_button = self.addButton("&Replace", QMessageBox.ButtonRole.DestructiveRole)
        self.skip_button = self.addButton("&Skip", QMessageBox.ButtonRole.AcceptRole)
        self.keep_both_button = self.addButton("&Keep both", QMessageBox.ButtonRole.AcceptRole)
        self.cancel_button = self.addButton(QMessageBox.StandardButton.Cancel)
        self.setDefaultButton(self.keep_both_button)
        self.setEscapeButton(self.cancel_button)

    def answer(self) -> Conflict | None:
        return {self.replace_button: Conflict.REPLACE, self.skip_button: Conflict.SKIP,
                self.keep_both_button: Conflict.KEEP_BOTH}.get(self.clickedButton())  # type: ignore[call-overload]


def object_conflict_box(parent: QWidget | None, title: str, existing: list[str], total: int) -> ObjectConflictBox:
    return ObjectConflictBox(parent, title, existing, total)
