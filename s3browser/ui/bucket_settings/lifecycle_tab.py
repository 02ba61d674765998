"""Lifecycle: a list of rules, the selected one edited in a form (filter by prefix or tags; expire
current versions, old versions or incomplete uploads; move to colder classes), plus the JSON view."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from s3browser.core.base.errors import S3BrowserError
from s3browser.core.ops.bucket_settings.lifecycle import (
    TRANSITION_CLASSES,
    LifecycleRule,
    get_lifecycle,
    rules_from_json,
    rules_problem,
    rules_to_json,
    set_lifecycle,
)
from s3browser.core.s3.connection import Connection
from s3browser.ui.bucket_settings.json_view import FormOrJson
from s3browser.ui.bucket_settings.tab import SettingsTab
from s3browser.ui.shell.context import AppContext

MAX_DAYS = 100_000


def parse_tags(text: str) -> dict[str, str] | None:
    """"team=ops, env=prod" as a dict; None when a part has no "="."""
    tags: dict[str, str] = {}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        name, sep, value = part.partition("=")
        if not sep or not name.strip():
            return None
        tags[name.strip()] = value.strip()
    return tags


def _json_problem(text: str) -> str | None:
    try:
        return rules_problem(rules_from_json(text))
    except S3BrowserError as exc:
        return exc.message


class _DaysField(QWidget):
    """[x] label [N] days: an optional number of days."""

    def __init__(self, label: str, minimum: int = 1) -> None:
        super().__init__()
        self.check = QCheckBox(label)
        self.spin = QSpinBox()
        self.spin.setRange(minimum, MAX_DAYS)
        self.spin.setEnabled(False)
        self.spin.valueChanged.connect(self._agree)
        self._agree(self.spin.value())
        self.check.toggled.connect(self.spin.setEnabled)
        self.row = QHBoxLayout(self)
        self.row.setContentsMargins(0, 0, 0, 0)
        self.row.addWidget(self.check)
        self.row.addWidget(self.spin)
        self.row.addStretch()

    def _agree(self, days: int) -> None:
        self.spin.setSuffix(" day" if days == 1 else " days")

    def value(self) -> int | None:
        return self.spin.value() if self.check.isChecked() else None

    def set_value(self, days: int | None) -> None:
        self.check.setChecked(days is not None)
        if days is not None:
            self.spin.setValue(days)


class LifecycleTab(SettingsTab):
    title = "Lifecycle"
    what = "the lifecycle rules"

    def __init__(self, ctx: AppContext, connection: Connection, bucket: str) -> None:
        super().__init__(ctx, connection, bucket)
        self.rules: list[LifecycleRule] = []
        self._filling = False
        self._form_problem: str | None = None  # the form holds something no rule can (bad tags, days)
        self.rule_list = QListWidget()
        self.rule_list.setAccessibleName("Lifecycle rules")
        self.rule_list.setWordWrap(True)
        self.rule_list.currentRowChanged.connect(self._select)
        self.add_button = QPushButton("&Add rule")
        self.add_button.clicked.connect(self.add_rule)
        self.remove_button = QPushButton("Re&move rule")
        self.remove_button.clicked.connect(self.remove_rule)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.rule_list, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        left_layout.addLayout(buttons)
        self.form = self._build_form()
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.form)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([240, 460])
        splitter.setChildrenCollapsible(False)
        self.views = FormOrJson(splitter, lambda: rules_to_json(self.rules), self._take_json, _json_problem)
        self.views.changed.connect(self.edited)
        self.body_layout.addWidget(self.views, 1)
        self._select(-1)

    def _build_form(self) -> QWidget:
        form_widget = QWidget()
        form = QFormLayout(form_widget)
        self.id_edit = QLineEdit()
        self.enabled_check = QCheckBox("&Enabled")
        self.prefix_edit = QLineEdit()
        self.prefix_edit.setPlaceholderText("empty: the whole bucket")
        self.tags_edit = QLineEdit()
        self.tags_edit.setPlaceholderText("key=value, key=value (all must match)")
        self.expire = _DaysField("Expire objects after")
        self.markers_check = QCheckBox("Remove delete markers with no versions left")
        self.noncurrent = _DaysField("Delete old versions")
        self.noncurrent.spin.setPrefix("after ")
        self.keep_spin = QSpinBox()
        self.keep_spin.setRange(0, 100)
        self.keep_spin.setSpecialValueText("and keep none")
        self.keep_spin.setPrefix("and keep the newest ")
        self.noncurrent.row.insertWidget(2, self.keep_spin)
        self.keep_spin.setEnabled(False)
        self.noncurrent.check.toggled.connect(self.keep_spin.setEnabled)
        self.abort = _DaysField("Abort incomplete uploads after")
        self.transitions = QTableWidget(0, 2)
        self.transitions.setHorizontalHeaderLabels(["After days", "Move to"])
        self.transitions.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.transitions.verticalHeader().setVisible(False)
        self.transitions.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.transitions.setMaximumHeight(120)
        self.transitions.itemChanged.connect(self._form_edited)
        add_transition = QPushButton("Add &transition")
        add_transition.clicked.connect(lambda: self._add_transition(30, "STANDARD_IA", edited=True))
        remove_transition = QPushButton("Remove transition")
        remove_transition.clicked.connect(self._remove_transition)
        transition_buttons = QHBoxLayout()
        transition_buttons.addWidget(add_transition)
        transition_buttons.addWidget(remove_transition)
        transition_buttons.addStretch()
        form.addRow("&Name:", self.id_edit)
        form.addRow("", self.enabled_check)
        form.addRow("&Prefix:", self.prefix_edit)
        form.addRow("&Tags:", self.tags_edit)
        form.addRow(QLabel("Actions:"))
        form.addRow(self.expire)
        form.addRow(self.markers_check)
        form.addRow(self.noncurrent)
        form.addRow(self.abort)
        form.addRow("Transitions:", self.transitions)
        form.addRow("", transition_buttons)
        for edit in (self.id_edit, self.prefix_edit, self.tags_edit):
            edit.textChanged.connect(self._form_edited)
        for check in (self.enabled_check, self.markers_check, self.expire.check, self.noncurrent.check,
                      self.abort.check):
            check.toggled.connect(self._form_edited)
        for spin in (self.expire.spin, self.noncurrent.spin, self.keep_spin, self.abort.spin):
            spin.valueChanged.connect(self._form_edited)
        return form_widget

    # ---------------------------------------------------------------- transitions table
    def _add_transition(self, days: int, storage_class: str, edited: bool = False) -> None:
        row = self.transitions.rowCount()
        self.transitions.blockSignals(True)
        self.transitions.insertRow(row)
        self.transitions.setItem(row, 0, QTableWidgetItem(str(days)))
        combo = QComboBox()
        combo.addItems(list(TRANSITION_CLASSES) if storage_class in TRANSITION_CLASSES
                       else [*TRANSITION_CLASSES, storage_class])
        combo.setCurrentText(storage_class)
        combo.currentIndexChanged.connect(self._form_edited)
        self.transitions.setCellWidget(row, 1, combo)
        self.transitions.blockSignals(False)
        if edited:
            self._form_edited()

    def _remove_transition(self) -> None:
        row = self.transitions.currentRow()
        if row >= 0:
            self.transitions.removeRow(row)
            self._form_edited()

    def _transition_values(self) -> list[tuple[int, str]] | None:
        values = []
        for row in range(self.transitions.rowCount()):
            item = self.transitions.item(row, 0)
            combo = self.transitions.cellWidget(row, 1)
            text = item.text().strip() if item is not None else ""
            if not text.isdigit():
                return None
            values.append((int(text), combo.currentText() if isinstance(combo, QComboBox) else ""))
        return values

    # ---------------------------------------------------------------- list and form
    def add_rule(self) -> None:
        names = {rule.rule_id for rule in self.rules}
        number = len(self.rules) + 1
        while f"rule-{number}" in names:
            number += 1
        self.rules.append(LifecycleRule(f"rule-{number}", abort_days=7))
        self.rule_list.addItem(self.rules[-1].summary())
        self.rule_list.setCurrentRow(len(self.rules) - 1)
        self.edited()

    def remove_rule(self) -> None:
        row = self.rule_list.currentRow()
        if row < 0:
            return
        del self.rules[row]
        self.rule_list.takeItem(row)
        self._select(self.rule_list.currentRow())
        self.edited()

    def _select(self, row: int) -> None:
        self.form.setEnabled(0 <= row < len(self.rules))
        if not 0 <= row < len(self.rules):
            return
        rule = self.rules[row]
        self._filling = True
        try:
            self.id_edit.setText(rule.rule_id)
            self.enabled_check.setChecked(rule.enabled)
            self.prefix_edit.setText(rule.prefix)
            self.tags_edit.setText(", ".join(f"{k}={v}" for k, v in rule.tags.items()))
            self.expire.set_value(rule.expire_days)
            self.markers_check.setChecked(rule.expired_marker_cleanup)
            self.noncurrent.set_value(rule.noncurrent_days)
            self.keep_spin.setValue(rule.noncurrent_keep or 0)
            self.abort.set_value(rule.abort_days)
            self.transitions.setRowCount(0)
            for days, storage_class in rule.transitions:
                self._add_transition(days, storage_class)
        finally:
            self._filling = False

    def _form_edited(self, *_args: object) -> None:
        row = self.rule_list.currentRow()
        if self._filling or not 0 <= row < len(self.rules):
            return
        tags = parse_tags(self.tags_edit.text())
        transitions = self._transition_values()
        self._form_problem = None
        if tags is None:
            self._form_problem = "Write the tag filter as key=value pairs separated by commas."
        elif transitions is None:
            self._form_problem = "A transition's days are a whole number."
        keep = self.keep_spin.value() if self.noncurrent.check.isChecked() else 0
        self.rules[row] = replace(
            self.rules[row], rule_id=self.id_edit.text().strip(), enabled=self.enabled_check.isChecked(),
            prefix=self.prefix_edit.text(), tags=tags if tags is not None else self.rules[row].tags,
            expire_days=self.expire.value(), expired_marker_cleanup=self.markers_check.isChecked(),
            noncurrent_days=self.noncurrent.value(), noncurrent_keep=keep or None, abort_days=self.abort.value(),
            transitions=transitions if transitions is not None else self.rules[row].transitions)
        item = self.rule_list.item(row)
        if item is not None:
            item.setText(self._label(self.rules[row]))
        self.edited()

    @staticmethod
    def _label(rule: LifecycleRule) -> str:
        return f"{rule.rule_id or '(no name)'}: {rule.summary()}"

    def _take_json(self, text: str) -> None:
        self._fill(rules_from_json(text))

    def _fill(self, rules: list[LifecycleRule]) -> None:
        self.rules = list(rules)
        self._form_problem = None
        self.rule_list.blockSignals(True)
        self.rule_list.clear()
        for rule in self.rules:
            self.rule_list.addItem(self._label(rule))
        self.rule_list.blockSignals(False)
        self.rule_list.setCurrentRow(0 if self.rules else -1)
        self._select(self.rule_list.currentRow())

    # ---------------------------------------------------------------- hooks
    def fetch(self, connection: Connection, bucket: str) -> list[LifecycleRule]:
        return get_lifecycle(connection, bucket)

    def send(self, connection: Connection, bucket: str, value: Any) -> str:
        return set_lifecycle(connection, bucket, value)

    def show_value(self, value: Any) -> None:
        self.views.show_json(False)
        self._fill(value)

    def current_value(self) -> list[LifecycleRule]:
        return rules_from_json(self.views.editor.toPlainText()) if self.views.in_json else list(self.rules)

    def problem(self) -> str | None:
        if self.views.in_json:
            return self.views.problem()
        return self._form_problem or rules_problem(self.rules)

