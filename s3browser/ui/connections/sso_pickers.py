"""Choosing the account and role of an IAM Identity Center connection, from what the portal lists.

Both lists are asked for on workers (ListAccounts, then ListAccountRoles for the account chosen);
the choice is only non-secret names, saved in the profile.  OK (and Enter) takes the highlighted
account and role; Esc changes nothing.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from s3browser.core.s3.errors import describe
from s3browser.core.settings.sso_access import Account, SsoPortal, SsoTarget
from s3browser.ui.shell.colors import color_style
from s3browser.ui.shell.context import AppContext
from s3browser.ui.shell.tasks import Task


class AccountRoleDialog(QDialog):
    """``account_id`` and ``role_name`` hold the choice once accepted."""

    def __init__(self, ctx: AppContext, target: SsoTarget, parent: QWidget | None = None) -> None:
        super().__init__(parent or ctx.dialog_parent)
        self.setWindowTitle("Choose an account and role")
        self.resize(620, 360)
        self._runner = ctx.runner
        self._portal_target = target
        self._roles_task: Task | None = None
        self.account_id = target.account_id
        self.role_name = target.role_name

        self.account_list = QListWidget()
        self.account_list.setObjectName("accountList")
        self.account_list.setAccessibleName("Accounts")
        self.account_list.currentItemChanged.connect(self._account_chosen)
        self.role_list = QListWidget()
        self.role_list.setObjectName("roleList")
        self.role_list.setAccessibleName("Roles")
        self.role_list.currentItemChanged.connect(lambda *_: self._update_ok())
        self.role_list.itemActivated.connect(lambda _item: self.accept())
        self.status_label = QLabel("Listing your accounts…")
        self.status_label.setObjectName("pickerStatus")
        self.status_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        lists = QHBoxLayout()
        for title, widget in (("&Account", self.account_list), ("&Role", self.role_list)):
            column = QVBoxLayout()
            label = QLabel(title + ":")
            label.setBuddy(widget)
            column.addWidget(label)
            column.addWidget(widget)
            lists.addLayout(column, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(lists, 1)
        layout.addWidget(self.status_label)
        layout.addWidget(self.buttons)
        self._update_ok()
        self._runner.run("list accounts", lambda: SsoPortal(target).accounts(), owner=self,
                         on_result=self._show_accounts, on_error=self._failed)

    def _show_accounts(self, accounts: list[Account]) -> None:
        self.status_label.clear()
        if not accounts:
            self._show_status("This sign-in may not use any account.", "warning")
            return
        chosen = 0
        for row, account in enumerate(accounts):
            item = QListWidgetItem(account.label)
            item.setData(Qt.ItemDataRole.UserRole, account.account_id)
            item.setToolTip(account.email)
            self.account_list.addItem(item)
            if account.account_id == self.account_id:
                chosen = row
        self.account_list.setCurrentRow(chosen)
        self.account_list.setFocus()

    def _account_chosen(self, item: QListWidgetItem | None, _previous: QListWidgetItem | None = None) -> None:
        self.role_list.clear()
        self._update_ok()
        if self._roles_task is not None:
            self._roles_task.cancel()
        if item is None:
            return
        account_id = item.data(Qt.ItemDataRole.UserRole)
        self._show_status("Listing the roles of this account…", "")
        self._roles_task = self._runner.run(
            "list roles", lambda: SsoPortal(self._portal_target).roles(account_id), owner=self,
            on_result=lambda roles: self._show_roles(account_id, roles), on_error=self._failed)

    def _show_roles(self, account_id: str, roles: list[str]) -> None:
        self._roles_task = None
        self.status_label.clear()
        chosen = 0
        for row, role in enumerate(roles):
            self.role_list.addItem(role)
            if account_id == self.account_id and role == self.role_name:
                chosen = row
        if roles:
            self.role_list.setCurrentRow(chosen)
        else:
            self._show_status("This sign-in may not take any role in that account.", "warning")
        self._update_ok()

    def _failed(self, exc: BaseException) -> None:
        self._show_status(describe(exc).message, "error")

    def _show_status(self, text: str, role: str) -> None:
        self.status_label.setStyleSheet(color_style(role) if role else "")
        self.status_label.setText(text)

    def _update_ok(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(self.role_list.currentItem() is not None and self.account_list.currentItem() is not None)

    def accept(self) -> None:
        account, role = self.account_list.currentItem(), self.role_list.currentItem()
        if account is None or role is None:
            return
        self.account_id = account.data(Qt.ItemDataRole.UserRole)
        self.role_name = role.text()
        super().accept()
