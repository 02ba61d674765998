"""The Help menu's actions: the keyboard shortcuts list, About, and opening the log folder."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QMenuBar, QWidget

from s3browser.core.settings.dirs import log_dir
from s3browser.ui.shell.about_dialog import AboutDialog
from s3browser.ui.shell.actions import make_action
from s3browser.ui.shell.context import AppContext
from s3browser.ui.shell.desktop import open_log_folder
from s3browser.ui.shell.shortcuts_dialog import ShortcutsDialog


class HelpActions(QObject):
    def __init__(self, ctx: AppContext, menu_bar: QMenuBar, views: Sequence[tuple[str, QWidget]] = ()) -> None:
        super().__init__(ctx)
        self.ctx = ctx
        self.menu_bar = menu_bar
        self.views = list(views)  # (where, widget) whose own actions the shortcuts list shows too
        self._shortcuts_scroll = 0  # where the list was left: opened again, it is there
        self.dialog: QDialog | None = None  # the last one opened (tests read it)
        self.shortcuts_action = make_action(self, "&Keyboard shortcuts", self.show_shortcuts,
                                            shortcut=QKeySequence.StandardKey.HelpContents)
        self.about_action = make_action(self, "&About s3browser", self.show_about)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.open_logs_action = make_action(self, "Open &log folder", self.open_log_folder)

    @property
    def actions(self) -> list[QAction]:
        return [self.shortcuts_action]

    def show_shortcuts(self) -> ShortcutsDialog:
        dialog = ShortcutsDialog(self.menu_bar, self.ctx.dialog_parent, self.views)
        bar = dialog.table.verticalScrollBar()
        dialog.finished.connect(lambda _result: setattr(self, "_shortcuts_scroll", bar.value()))
        self._show(dialog)
        wanted = self._shortcuts_scroll
        bar.rangeChanged.connect(lambda _low, _high: bar.setValue(wanted))  # once laid out, where it was
        bar.setValue(wanted)
        return dialog

    def show_about(self) -> AboutDialog:
        secrets = self.ctx.store.secrets
        known, _refusal, name = secrets.peek()  # never waits for the keyring
        dialog = AboutDialog(name, self.ctx.dialog_parent)
        if not known:  # found on a worker, then shown
            self.ctx.runner.run("check the keyring", secrets.warm_up, owner=dialog,
                                on_result=lambda _none: dialog.values["Keyring"].setText(secrets.peek()[2]))
        self._show(dialog)
        return dialog

    def open_log_folder(self) -> None:
        if not open_log_folder():
            self.ctx.show_error(f"Could not open the log folder {log_dir()}; open it in your file manager.")

    def _show(self, dialog: QDialog) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.show()
