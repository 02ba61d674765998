"""Add, edit, delete and choose connection profiles; test a connection on a worker."""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from s3browser.core.s3.connection import Connection
from s3browser.core.s3.errors import describe
from s3browser.core.s3.listing import list_buckets
from s3browser.core.settings.mfa import MfaPrompt
from s3browser.core.settings.profiles import (
    SOURCE_ADHOC,
    SOURCE_APP,
    SOURCE_DEMO,
    Profile,
    endpoint_problem,
    sso_problem,
    validate_profile,
)
from s3browser.core.settings.secrets import Secrets
from s3browser.core.settings.sso_access import SsoTarget, signed_in_until, sso_target
from s3browser.ui.connections.role_fields import RoleFields
from s3browser.ui.connections.sign_in_dialog import sign_in
from s3browser.ui.connections.sso_pickers import AccountRoleDialog
from s3browser.ui.shell import interaction
from s3browser.ui.shell.colors import color_style
from s3browser.ui.shell.context import AppContext
from s3browser.ui.shell.field_check import FieldCheck
from s3browser.ui.shell.formatting import count_of, format_clock
from s3browser.ui.shell.remembering import RememberingDialog
from s3browser.ui.shell.tasks import Task

log = logging.getLogger(__name__)

NEW_PROFILE_LABEL = "(new profile)"
TYPE_KEYS = "keys"
TYPE_SSO = "sso"
TYPE_ROLE = "role"
SIGNED_IN_ENOUGH_SECONDS = 300  # a sign-in ending sooner than this is made again before choosing


def _read_only_note(profile: Profile) -> str:
    """Why a listed profile cannot be edited here, in one sentence."""
    if profile.source == SOURCE_DEMO:
        return ("The built-in demo endpoint of this run: sample data held in memory, gone when s3browser "
                "quits. Soft delete is on, so deleted objects can be found in Bucket → Trash.")
    if profile.source == SOURCE_ADHOC:
        return "Given on the command line for this run only; it is not saved."
    return ("Read-only: credentials are resolved by botocore from your AWS configuration "
            "(SSO, assume-role and credential processes work); nothing is copied.")


def describe_choice(account_id: str, role_name: str) -> str:
    """An IAM Identity Center connection's account and role, as the form shows them."""
    if not account_id or not role_name:
        return "Not chosen yet: sign in to pick an account and a role."
    return f"{role_name} in account {account_id}"


def check_connection(profile: Profile, secrets: Secrets | None, mfa_prompt: MfaPrompt | None = None,
                     base: tuple[Profile, Secrets | None] | None = None) -> int:
    """Connect and list buckets; returns how many buckets the credentials can see."""
    connection = Connection(profile, secrets, mfa_prompt=mfa_prompt, base=base, max_attempts=2, connect_timeout=5,
                            read_timeout=15)
    try:
        return len(list_buckets(connection))
    finally:
        connection.close()


class ConnectDialog(RememberingDialog):
    """The profile manager. ``connect_requested(profile, secrets)`` when the user picks one."""

    connect_requested = Signal(object, object)
    saved = Signal(str)  # the profile name, once saved (the keyring is written on a worker)

    def __init__(self, ctx: AppContext, selected: str = "") -> None:
        super().__init__("connect_dialog", ctx.dialog_parent)
        self.setWindowTitle("Connections")
        self._store = ctx.store
        self._runner = ctx.runner
        self._test_task: Task | None = None
        self._current: Profile | None = None
        self._sso_choice = ("", "")  # (account id, role name) of the IAM Identity Center form
        self._profiles: list[Profile] = []  # as last listed (the bases a role may be assumed with)
        self._target_task: Task | None = None
        self._ctx = ctx
        self._build()
        self._reload(selected)

    # ---------------------------------------------------------------- layout
    def _build(self) -> None:
        self.profile_list = QListWidget()
        self.profile_list.setObjectName("profileList")
        self.profile_list.currentItemChanged.connect(self._on_selected)
        self.new_button = QPushButton("&New")
        self.delete_button = QPushButton("&Delete")
        self.new_button.clicked.connect(self._on_new)
        self.delete_button.clicked.connect(self._on_delete)
        left = QVBoxLayout()
        left.addWidget(self.profile_list)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.delete_button)
        left.addLayout(buttons)

        self.name_edit = QLineEdit()
        self.type_combo = QComboBox()
        self.type_combo.setObjectName("connectionType")
        self.type_combo.addItem("Access keys", TYPE_KEYS)
        self.type_combo.addItem("IAM Identity Center (SSO)", TYPE_SSO)
        self.type_combo.addItem("Assume a role (on another connection)", TYPE_ROLE)
        self.role_fields = RoleFields()
        self.type_combo.currentIndexChanged.connect(lambda _index: self._apply_type())
        self.sso_url_edit = QLineEdit()
        self.sso_url_edit.setObjectName("ssoStartUrl")
        self.sso_url_edit.setPlaceholderText("https://my-company.awsapps.com/start")
        self.sso_region_edit = QLineEdit()
        self.sso_region_edit.setObjectName("ssoRegion")
        self.sso_region_edit.setPlaceholderText("the Identity Center's region, e.g. eu-west-1")
        self.sso_choice_label = QLabel(describe_choice("", ""))
        self.sso_choice_label.setObjectName("ssoChoice")
        self.sso_choice_label.setWordWrap(True)
        self.sign_in_button = QPushButton("Sign &in and choose…")
        self.sign_in_button.setObjectName("signInButton")
        self.sign_in_button.clicked.connect(self._on_sign_in)
        sso_choice_row = QHBoxLayout()
        sso_choice_row.addWidget(self.sso_choice_label, 1)
        sso_choice_row.addWidget(self.sign_in_button)
        self.endpoint_edit = QLineEdit()
        self.endpoint_edit.setPlaceholderText("empty = Amazon S3; e.g. https://minio.example.com:9000")
        self.endpoint_check = FieldCheck(self.endpoint_edit, lambda text: endpoint_problem(text.strip()))
        self.region_edit = QLineEdit()
        self.region_edit.setPlaceholderText("us-east-1")
        self.access_key_edit = QLineEdit()
        self.secret_edit = QLineEdit()
        self.secret_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.token_edit = QLineEdit()
        self.token_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.token_edit.setPlaceholderText("optional, for temporary credentials")
        self.path_style_check = QCheckBox("Path-style addressing (most self-hosted servers)")
        self.verify_tls_check = QCheckBox("Verify TLS certificates")
        self.verify_tls_check.setChecked(True)
        self.soft_delete_check = QCheckBox("Soft delete: move deleted objects to a trash folder in their bucket")
        form = QFormLayout()
        self.form = form
        form.addRow("&Name:", self.name_edit)
        form.addRow("Connection t&ype:", self.type_combo)
        form.addRow("&Endpoint URL:", self.endpoint_edit)
        form.addRow("&Region:", self.region_edit)
        form.addRow("&Access key ID:", self.access_key_edit)
        form.addRow("&Secret access key:", self.secret_edit)
        form.addRow("Session &token:", self.token_edit)
        form.addRow("Start &URL:", self.sso_url_edit)
        form.addRow("Identity Center re&gion:", self.sso_region_edit)
        form.addRow("Account and role:", sso_choice_row)
        self.role_fields.add_to(form)
        form.addRow("", self.path_style_check)
        form.addRow("", self.verify_tls_check)
        form.addRow("", self.soft_delete_check)
        self._key_rows: list[QWidget | QHBoxLayout] = [self.access_key_edit, self.secret_edit, self.token_edit]
        self._sso_rows: list[QWidget | QHBoxLayout] = [self.sso_url_edit, self.sso_region_edit, sso_choice_row]
        self._form_widgets = [self.name_edit, self.type_combo, self.endpoint_edit, self.region_edit,
                              self.access_key_edit, self.secret_edit, self.token_edit, self.sso_url_edit,
                              self.sso_region_edit, self.path_style_check, self.verify_tls_check,
                              self.soft_delete_check, *self.role_fields.rows]

        self.note_label = QLabel()
        self.note_label.setObjectName("noteLabel")
        self.note_label.setWordWrap(True)
        known, refusal, _name = self._store.secrets.peek()  # never waits for the keyring
        self.keyring_label = QLabel(refusal or "")
        self.keyring_label.setObjectName("keyringWarning")
        self.keyring_label.setWordWrap(True)
        self.keyring_label.setStyleSheet(color_style("warning"))
        self.keyring_label.setVisible(bool(refusal))
        if not known:  # not checked yet: on a worker, then say so here if it refuses
            self._runner.run("check the keyring", self._store.secrets.warm_up, owner=self,
                             on_result=lambda _none: self._show_keyring_refusal())
        self.profiles_label = QLabel()  # the saved profiles could not be read: say so, never overwrite them
        self.profiles_label.setObjectName("profilesWarning")
        self.profiles_label.setWordWrap(True)
        self.profiles_label.setStyleSheet(color_style("warning"))
        self.profiles_label.setVisible(False)
        self.result_label = QLabel()
        self.result_label.setObjectName("testResult")
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.aws_sign_in_button = QPushButton("Sign &in…")
        self.aws_sign_in_button.setObjectName("awsSignInButton")
        self.aws_sign_in_button.setToolTip("Sign in to IAM Identity Center for this AWS profile, as aws sso login does")
        self.aws_sign_in_button.clicked.connect(self._on_sign_in)
        self.aws_sign_in_button.setVisible(False)
        self.test_button = QPushButton("&Test connection")
        self.save_button = QPushButton("Sa&ve")
        self.connect_button = QPushButton("&Connect")
        self.connect_button.setDefault(True)
        self.close_button = QPushButton("Close")
        self.test_button.clicked.connect(self._on_test)
        self.save_button.clicked.connect(self._on_save)
        self.connect_button.clicked.connect(self._on_connect)
        self.close_button.clicked.connect(self.reject)
        actions = QHBoxLayout()
        actions.addWidget(self.test_button)
        actions.addWidget(self.aws_sign_in_button)
        actions.addStretch(1)
        actions.addWidget(self.save_button)
        actions.addWidget(self.connect_button)
        actions.addWidget(self.close_button)

        right = QVBoxLayout()
        right.addLayout(form)
        right.addWidget(self.note_label)
        right.addWidget(self.keyring_label)
        right.addWidget(self.profiles_label)
        right.addWidget(self.result_label)
        right.addStretch(1)
        right.addLayout(actions)

        top = QHBoxLayout(self)
        left_widget = QWidget()
        left_widget.setLayout(left)
        left_widget.setMaximumWidth(240)
        top.addWidget(left_widget)
        top.addLayout(right, 1)
        self.resize(760, 420)

    # ---------------------------------------------------------------- list
    def _reload(self, select: str = "") -> None:
        self.profile_list.blockSignals(True)
        self.profile_list.clear()
        chosen = None
        profiles = self._profiles = self._store.profiles()
        self.profiles_label.setText(self._store.problem)
        self.profiles_label.setVisible(bool(self._store.problem))
        for profile in profiles:
            item = QListWidgetItem(profile.display_name)
            item.setData(Qt.ItemDataRole.UserRole, profile)
            self.profile_list.addItem(item)
            if profile.name == select:
                chosen = item
        self.profile_list.blockSignals(False)
        if chosen is None and self.profile_list.count():
            chosen = self.profile_list.item(0)
        if chosen is not None:
            self.profile_list.setCurrentItem(chosen)
        else:
            self._show_profile(None)

    def _on_selected(self, item: QListWidgetItem | None, _previous: QListWidgetItem | None = None) -> None:
        self._show_profile(item.data(Qt.ItemDataRole.UserRole) if item else None)

    def _show_profile(self, profile: Profile | None) -> None:
        self._current = profile
        p = profile or Profile(name="")
        self.name_edit.setText(p.name if p.source == SOURCE_APP else p.display_name)
        self.endpoint_edit.setText(p.endpoint_url)
        self.region_edit.setText(p.region)
        self.access_key_edit.setText(p.access_key_id)
        self.secret_edit.clear()
        self.token_edit.clear()
        self.secret_edit.setPlaceholderText(self._stored_secret_hint() if profile else "")
        self.path_style_check.setChecked(p.path_style)
        self.verify_tls_check.setChecked(p.verify_tls)
        self.soft_delete_check.setChecked(p.soft_delete)
        kind = TYPE_SSO if p.uses_sso else TYPE_ROLE if p.assumes_role else TYPE_KEYS
        self.type_combo.setCurrentIndex(self.type_combo.findData(kind))
        self.role_fields.offer_bases(self._profiles, p.name)
        self.role_fields.show(p)
        self.sso_url_edit.setText(p.sso_start_url)
        self.sso_region_edit.setText(p.sso_region)
        self._set_choice(p.sso_account_id, p.sso_role_name)
        read_only = profile is not None and profile.read_only
        for widget in self._form_widgets:
            widget.setEnabled(not read_only)
        self._apply_type()
        self._offer_sign_in_for(profile if read_only else None)
        self.delete_button.setEnabled(profile is not None and not read_only)
        self.save_button.setEnabled(not read_only)
        self.note_label.setText(_read_only_note(profile) if profile is not None and read_only else "")
        self.result_label.clear()

    def _apply_type(self) -> None:
        """Show the rows of the chosen kind of connection: keys, an IAM Identity Center sign-in, or a role."""
        kind = self.type_combo.currentData()
        read_only = self._current is not None and self._current.read_only
        for row in self._key_rows:
            self.form.setRowVisible(row, kind == TYPE_KEYS or read_only)
        for row in self._sso_rows:
            self.form.setRowVisible(row, kind == TYPE_SSO and not read_only)
        for row in self.role_fields.rows:
            self.form.setRowVisible(row, kind == TYPE_ROLE and not read_only)
        role = kind == TYPE_ROLE
        self.endpoint_edit.setPlaceholderText("empty = the base connection's" if role else
                                              "empty = Amazon S3; e.g. https://minio.example.com:9000")
        self.region_edit.setPlaceholderText("empty = the base connection's" if role else "us-east-1")

    def _set_choice(self, account_id: str, role_name: str) -> None:
        self._sso_choice = (account_id, role_name)
        self.sso_choice_label.setText(describe_choice(account_id, role_name))

    def _offer_sign_in_for(self, profile: Profile | None) -> None:
        """A read-only AWS-config profile that signs in to IAM Identity Center gets *Sign in* too
        (its configuration is read on a worker)."""
        if self._target_task is not None:
            self._target_task.cancel()
            self._target_task = None
        self.aws_sign_in_button.setVisible(False)
        if profile is None or profile.source == SOURCE_DEMO or profile.source == SOURCE_ADHOC:
            return

        def found(target: SsoTarget | None) -> None:
            self._target_task = None
            if target is not None and self._current is profile:
                self.aws_sign_in_button.setVisible(True)

        self._target_task = self._runner.run("read the AWS configuration", sso_target, profile, owner=self,
                                             on_result=found, on_error=lambda _exc: None)

    # ---------------------------------------------------------------- signing in
    def _on_sign_in(self) -> None:
        """Sign in (unless signed in for a while yet), then choose the account and role."""
        profile = self.form_profile()
        if profile.uses_sso:
            problem = sso_problem(profile)
            if problem:
                self._show_result(problem, ok=False)
                return
        self._show_result("Checking the sign-in…", ok=True)
        choose = not profile.read_only

        def checked(answer: tuple[SsoTarget | None, datetime | None]) -> None:
            target, until = answer
            if target is None:
                self._show_result("This profile does not sign in to IAM Identity Center.", ok=False)
                return
            if until is not None and until.timestamp() > time.time() + SIGNED_IN_ENOUGH_SECONDS:
                self._signed_in(target, until, choose)
                return
            self.result_label.clear()
            sign_in(self._ctx, target, self, lambda new_until: self._signed_in(target, new_until, choose))

        def check() -> tuple[SsoTarget | None, datetime | None]:
            target = sso_target(profile)
            return target, signed_in_until(target) if target is not None else None

        self._runner.run("check the sign-in", check, owner=self, on_result=checked,
                         on_error=lambda exc: self._show_result(describe(exc).message, ok=False))

    def _signed_in(self, target: SsoTarget, until: datetime, choose: bool) -> None:
        self._show_result(f"Signed in until {format_clock(until.timestamp())}.", ok=True)
        if not choose:
            return
        picker = AccountRoleDialog(self._ctx, replace(target, account_id=self._sso_choice[0],
                                                      role_name=self._sso_choice[1]), self)
        picker.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        picker.accepted.connect(lambda: self._set_choice(picker.account_id, picker.role_name))
        picker.open()

    def start_new(self) -> None:
        """Clear the form for a new profile, the name field focused."""
        self._on_new()

    def _on_new(self) -> None:
        self.profile_list.clearSelection()
        self.profile_list.setCurrentRow(-1)
        self._show_profile(None)
        self.name_edit.setFocus()

    # ---------------------------------------------------------------- form
    def form_profile(self) -> Profile:
        """The profile as the form shows it (read-only profiles pass through untouched)."""
        if self._current is not None and self._current.read_only:
            return self._current
        profile = Profile(name=self.name_edit.text().strip(), endpoint_url=self.endpoint_edit.text().strip(),
                          region=self.region_edit.text().strip(), path_style=self.path_style_check.isChecked(),
                          verify_tls=self.verify_tls_check.isChecked(),
                          soft_delete=self.soft_delete_check.isChecked())
        if self.type_combo.currentData() == TYPE_SSO:
            return replace(profile, sso_start_url=self.sso_url_edit.text().strip(),
                           sso_region=self.sso_region_edit.text().strip(), sso_account_id=self._sso_choice[0],
                           sso_role_name=self._sso_choice[1],
                           sso_session=self._current.sso_session if self._current is not None else "")
        if self.type_combo.currentData() == TYPE_ROLE:
            return self.role_fields.read_into(profile)
        return replace(profile, access_key_id=self.access_key_edit.text().strip())

    def _show_keyring_refusal(self) -> None:
        _known, refusal, _name = self._store.secrets.peek()
        self.keyring_label.setText(refusal or "")
        self.keyring_label.setVisible(bool(refusal))
        if self._current is not None:
            self.secret_edit.setPlaceholderText(self._stored_secret_hint())

    def _stored_secret_hint(self) -> str:
        """The secret field's hint for a saved profile: where its secret really is."""
        known, refusal, _name = self._store.secrets.peek()
        if not known:
            return "leave empty to keep the saved one"
        if refusal:
            return "kept for this session only (no keyring); leave empty to keep"
        return "stored in the keyring; leave empty to keep"

    def _typed(self) -> tuple[Profile | None, str, str]:
        """What the secret fields hold (read here, on the GUI thread; the keyring is read on a worker)."""
        return self._current, self.secret_edit.text(), self.token_edit.text()

    def _keyring_task(self, name: str, fn, *args, on_result, on_error=None) -> Task:  # noqa: ANN001
        """Keyring work (a Secret Service may take seconds, or prompt) on a worker, never this thread."""
        return self._runner.run(name, fn, *args, on_result=on_result, owner=self,
                                on_error=on_error or (lambda exc: self._show_result(describe(exc).message, ok=False)))

    def _show_result(self, text: str, ok: bool) -> None:
        self.result_label.setStyleSheet(color_style("success" if ok else "error"))
        self.result_label.setText(text)

    def _on_save(self, then_connect: bool = False) -> bool:
        """Save the form's profile; its secret goes to the keyring on a worker.  False when the form
        is refused at once (nothing saved)."""
        profile = self.form_profile()
        problem = validate_profile(profile)
        if problem:
            self._show_result(problem, ok=False)
            return False
        old_name = self._current.name if self._current is not None and not self._current.read_only else None
        current, secret, token = self._typed()
        self.save_button.setEnabled(False)
        self.connect_button.setEnabled(False)
        self._show_result("Saving…", ok=True)

        def save() -> tuple[bool, bool]:  # on a worker: the keyring may be slow, or ask to unlock
            secrets = (None if profile.uses_sso or profile.assumes_role
                       else self._store.typed_or_stored(current, secret, token))
            return secrets is not None, self._store.save(profile, secrets, old_name=old_name)

        def saved(answer: tuple[bool, bool]) -> None:
            has_secret, persisted = answer
            self._buttons_after_save()
            log.info("saved profile %s", profile.name)
            self._reload(profile.name)
            if has_secret and not persisted:
                self._show_keyring_refusal()
                self._show_result("Saved; the secret is kept in memory for this session only.", ok=False)
            else:
                self._show_result(f"Saved “{profile.name}”.", ok=True)
            self.saved.emit(profile.name)
            if then_connect:
                self._connect_current()

        def failed(exc: BaseException) -> None:
            self._buttons_after_save()
            self._show_result(describe(exc).message, ok=False)

        self._keyring_task("save profile", save, on_result=saved, on_error=failed)
        return True

    def _buttons_after_save(self) -> None:
        read_only = self._current is not None and self._current.read_only
        self.save_button.setEnabled(not read_only)
        self.connect_button.setEnabled(True)

    def _on_delete(self) -> None:
        if self._current is None or self._current.read_only:
            return
        name = self._current.name
        if not interaction.confirm(self, "Delete profile",
                                   f"Delete the profile “{name}” and its stored secret?"):
            return

        def deleted(_result: object) -> None:
            log.info("deleted profile %s", name)
            self._reload()

        self._keyring_task("delete profile", self._store.delete, name, on_result=deleted)

    def _on_test(self) -> None:
        profile = self.form_profile()
        if not profile.name:
            profile = replace(profile, name="unsaved")
        problem = endpoint_problem(profile.endpoint_url)
        if problem:
            self._show_result(problem, ok=False)
            return
        if self._test_task is not None:
            self._test_task.cancel()
        self._show_result("Testing…", ok=True)
        self.test_button.setEnabled(False)
        current, secret, token = self._typed()
        self._test_task = self._runner.run(
            "test connection", lambda: check_connection(profile, self._store.typed_or_stored(current, secret, token),
                                                        self._ctx.mfa_prompt, self._store.role_base(profile)),
            on_result=lambda count: self._show_result(
                f"Connected to {profile.describe_endpoint()}: {count_of(count, 'bucket')} visible.",
                ok=True),
            on_error=lambda exc: self._show_result(describe(exc).message, ok=False),
            on_finished=lambda: self.test_button.setEnabled(True), owner=self)

    def _on_connect(self) -> None:
        if self._current is None or not self._current.read_only:
            self._on_save(then_connect=True)
            return
        self._connect_current()

    def _connect_current(self) -> None:
        """Read the profile's secret on a worker, then hand both to the window and close."""
        profile = self._current
        if profile is None:
            return

        def connect(secrets: Secrets | None) -> None:
            self.connect_requested.emit(profile, secrets)
            self.accept()

        self._keyring_task("read the keyring", self._store.secrets_for, profile, on_result=connect)

    def done(self, result: int) -> None:
        if self._test_task is not None:
            self._test_task.cancel()
            self._test_task = None
        super().done(result)
