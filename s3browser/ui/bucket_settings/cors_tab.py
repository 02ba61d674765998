"""CORS: rules as a table (origins, methods, headers, max age) or as S3's JSON, checked before sending."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from s3browser.core.base.errors import S3BrowserError
from s3browser.core.ops.bucket_settings.cors import (
    METHODS,
    CorsRule,
    cors_problem,
    get_cors,
    rules_from_json,
    rules_to_json,
    set_cors,
)
from s3browser.core.s3.connection import Connection
from s3browser.ui.bucket_settings.json_view import FormOrJson
from s3browser.ui.bucket_settings.tab import SettingsTab
from s3browser.ui.shell.context import AppContext
from s3browser.ui.shell.key_value_table import remove_selected_rows

COLUMNS = ("Allowed origins", "Methods", "Allowed headers", "Exposed headers", "Max age (s)")
HINT = (f"Separate several values with commas. Methods: {', '.join(METHODS)}. An origin is like "
        "https://app.example.com; * allows any.")


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _json_problem(text: str) -> str | None:
    try:
        return cors_problem(rules_from_json(text))
    except S3BrowserError as exc:
        return exc.message


class CorsTab(SettingsTab):
    title = "CORS"
    what = "the CORS rules"

    def __init__(self, ctx: AppContext, connection: Connection, bucket: str) -> None:
        super().__init__(ctx, connection, bucket)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAccessibleName("CORS rules")
        self.table.itemChanged.connect(self.edited)
        self.add_button = QPushButton("&Add rule")
        self.add_button.clicked.connect(lambda: self.add_rule(CorsRule(["https://example.com"], ["GET"])))
        self.remove_button = QPushButton("Re&move rule")
        self.remove_button.clicked.connect(self.remove_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch()
        hint = QLabel(HINT)
        hint.setWordWrap(True)
        form = QWidget()
        form_layout = QVBoxLayout(form)
        form_layout.setContentsMargins(0, 0, 0, 0)
        form_layout.addWidget(self.table, 1)
        form_layout.addLayout(buttons)
        form_layout.addWidget(hint)
        self.views = FormOrJson(form, lambda: rules_to_json(self.table_rules()), self._take_json, _json_problem)
        self.views.changed.connect(self.edited)
        self.body_layout.addWidget(self.views, 1)

    # ---------------------------------------------------------------- table
    def add_rule(self, rule: CorsRule) -> None:
        row = self.table.rowCount()
        self.table.blockSignals(True)
        self.table.insertRow(row)
        values = (", ".join(rule.origins), ", ".join(rule.methods), ", ".join(rule.headers), ", ".join(rule.expose),
                  "" if rule.max_age is None else str(rule.max_age))
        for column, text in enumerate(values):
            self.table.setItem(row, column, QTableWidgetItem(text))
        item = self.table.item(row, 0)
        if item is not None:
            item.setData(Qt.ItemDataRole.UserRole, rule.rule_id)  # the rule's id rides along unseen
        self.table.blockSignals(False)
        self.table.setCurrentCell(row, 0)
        self.edited()

    def remove_selected(self) -> None:
        if remove_selected_rows(self.table):
            self.edited()

    def table_rules(self) -> list[CorsRule]:
        rules = []
        for row in range(self.table.rowCount()):
            cells = [self.table.item(row, column) for column in range(len(COLUMNS))]
            texts = [cell.text() if cell is not None else "" for cell in cells]
            age_text = texts[4].strip()
            age = int(age_text) if age_text.lstrip("-").isdigit() else None  # other text: see problem()
            rule_id = str(cells[0].data(Qt.ItemDataRole.UserRole) or "") if cells[0] is not None else ""
            rules.append(CorsRule(_split(texts[0]), [m.upper() for m in _split(texts[1])], _split(texts[2]),
                                  _split(texts[3]), age, rule_id))
        return rules

    def _take_json(self, text: str) -> None:
        rules = rules_from_json(text)
        self._fill(rules)

    def _fill(self, rules: list[CorsRule]) -> None:
        self.table.setRowCount(0)
        for rule in rules:
            self.add_rule(rule)

    # ---------------------------------------------------------------- hooks
    def fetch(self, connection: Connection, bucket: str) -> list[CorsRule]:
        return get_cors(connection, bucket)

    def send(self, connection: Connection, bucket: str, value: Any) -> str:
        return set_cors(connection, bucket, value)

    def show_value(self, value: Any) -> None:
        self.views.show_json(False)
        self._fill(value)

    def current_value(self) -> list[CorsRule]:
        return rules_from_json(self.views.editor.toPlainText()) if self.views.in_json else self.table_rules()

    def problem(self) -> str | None:
        if self.views.in_json:
            return self.views.problem()
        for row in range(self.table.rowCount()):
            cell = self.table.item(row, len(COLUMNS) - 1)
            age = cell.text().strip() if cell is not None else ""
            if age and not age.lstrip("-").isdigit():
                return f"Rule {row + 1}: the max age is a whole number of seconds (not “{age}”)."
        return cors_problem(self.table_rules())
