"""Policy: a JSON editor with line numbers and syntax checking as you type, a few templates, a warning
before anything is made public, and Delete policy after a question."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton

from s3browser.core.ops.bucket_settings.policy import (
    TEMPLATES,
    delete_policy,
    denies_plain_http,
    get_policy,
    policy_problem,
    public_statements,
)
from s3browser.core.ops.bucket_settings.policy import set_policy as store_policy
from s3browser.core.s3.connection import Connection
from s3browser.ui.bucket_settings.json_view import error_line
from s3browser.ui.bucket_settings.tab import SettingsTab
from s3browser.ui.shell import interaction
from s3browser.ui.shell.code_editor import CodeEditor
from s3browser.ui.shell.context import AppContext

NO_POLICY = "This bucket has no policy: access follows the owner's IAM policies and ACLs only."


class PolicyTab(SettingsTab):
    title = "Policy"
    what = "the bucket policy"

    def __init__(self, ctx: AppContext, connection: Connection, bucket: str) -> None:
        super().__init__(ctx, connection, bucket)
        self.status_label = QLabel()
        self.status_label.setObjectName("policyStatus")
        self.status_label.setWordWrap(True)
        self.editor = CodeEditor()
        self.editor.setAccessibleName("Bucket policy")
        self.editor.textChanged.connect(self.edited)
        self.template_combo = QComboBox()
        self.template_combo.addItem("Insert a template…")
        for name in TEMPLATES:
            self.template_combo.addItem(name)
        self.template_combo.activated.connect(self._insert_template)
        self.delete_button = QPushButton("&Delete policy…")
        self.delete_button.clicked.connect(self.delete)
        row = QHBoxLayout()
        row.addWidget(self.template_combo)
        row.addStretch()
        row.addWidget(self.delete_button)
        self.body_layout.addWidget(self.status_label)
        self.body_layout.addWidget(self.editor, 1)
        self.body_layout.addLayout(row)

    def _insert_template(self, index: int) -> None:
        if index <= 0:
            return
        name = self.template_combo.itemText(index)
        self.template_combo.setCurrentIndex(0)
        self.editor.setPlainText(TEMPLATES[name](self.bucket))
        self.editor.setFocus()

    # ---------------------------------------------------------------- hooks
    def fetch(self, connection: Connection, bucket: str) -> str:
        return get_policy(connection, bucket)

    def send(self, connection: Connection, bucket: str, value: Any) -> str:
        return store_policy(connection, bucket, value)

    def show_value(self, value: Any) -> None:
        self.editor.setPlainText(value)
        self.editor.mark_error_line(0)
        public = public_statements(value)
        if not value:
            self.status_label.setText(NO_POLICY + " Write one below or insert a template.")
        elif public:
            self.status_label.setText("This policy makes objects public (" + ", ".join(public) + ").")
        else:
            self.status_label.setText("This policy does not grant access to everyone.")
        self.delete_button.setEnabled(bool(value))

    def current_value(self) -> str:
        return self.editor.toPlainText()

    def problem(self) -> str | None:
        problem = policy_problem(self.editor.toPlainText())
        self.editor.mark_error_line(error_line(problem))
        return problem

    def confirm_apply(self, value: Any) -> bool:
        endpoint = self.connection.profile.endpoint_url or ""
        if endpoint.startswith("http://") and denies_plain_http(value) and not interaction.confirm(
                self, "Lock this connection out?",
                f"This connection talks plain HTTP ({endpoint}) and the policy refuses every request without "
                f"TLS: this app would lose access to bucket “{self.bucket}”, even to change the policy back. "
                "Save it anyway?"):
            return False
        already = set(public_statements(self.value or ""))
        public = [name for name in public_statements(value) if name not in already]
        if not public:
            return True  # nothing new is made public
        return interaction.confirm(
            self, "Make objects public?",
            f"This policy lets anyone on the internet, without credentials, use bucket “{self.bucket}” as "
            f"{', '.join(public)} allows. The bucket's public access block may still stop it. Save it?")

    def delete(self) -> None:
        if not self.value:
            return
        if not interaction.confirm(self, "Delete policy",
                                   f"Delete the policy of bucket “{self.bucket}”? Whatever access it grants or "
                                   "denies ends at once."):
            return
        self.send_value(None, lambda connection, bucket, _value: delete_policy(connection, bucket))
