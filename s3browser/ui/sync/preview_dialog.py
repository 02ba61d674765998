"""The sync preview: plans a pair on a worker, shows every planned change, and starts nothing
until the user presses the start button, whose label says what it will do.

Planning shows files walked and objects listed as it goes; closing the dialog cancels it.  The
plan is shown grouped by action with a box per item and per group; conflicts can be set to keep
both, use local, use S3 or skip; a deletion can be turned into the copy the other way ("download
it again", "put it back on S3") so that it is not proposed at every run.  Deletions are red.
Enter never starts a run: the start button is never a default button, and Enter anywhere but on
another button does nothing.  A run over the mass-deletion limits keeps
the start button disabled until "I have reviewed these N deletions" is ticked; a run the guard
refuses (an empty or missing side with a baseline) cannot start at all and says why.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from s3browser.core.local.display import one_line
from s3browser.core.s3.connection import Connection
from s3browser.core.s3.errors import describe
from s3browser.core.sync.guard import review_needed
from s3browser.core.sync.pairs import SyncPair
from s3browser.core.sync.plan import Action
from s3browser.core.sync.run import PreparedRun, ScanProgress, plan_pair
from s3browser.ui.shell.colors import unchecked_box_style
from s3browser.ui.shell.context import AppContext
from s3browser.ui.shell.elided_tooltips import show_whole_text_in_tooltips
from s3browser.ui.shell.formatting import count_of, human_size
from s3browser.ui.shell.gc_pause import collections_paused
from s3browser.ui.shell.remembering import RememberingDialog
from s3browser.ui.shell.tasks import Task
from s3browser.ui.sync.preview_model import (
    CHOICES_ROLE,
    COL_ACTION,
    COL_LOCAL_TIME,
    COL_PATH,
    COL_REASON,
    COL_S3_TIME,
    COL_SIZE,
    DELETIONS,
    RESTORE_LABELS,
    Group,
    SyncPreviewModel,
    deletion_color,
    group_plan,
    start_label,
)

_Index = QModelIndex | QPersistentModelIndex
ALL_ACTIONS = "all"


def plan_and_group(conn: Connection, pair: SyncPair, soft_delete: bool, progress: ScanProgress,
                   should_stop: Callable[[], bool]) -> tuple[PreparedRun, list[Group]]:
    """On the worker: the plan, and its groups for the preview (one walk of the items, off the GUI thread)."""
    with collections_paused():
        run = plan_pair(conn, pair, soft_delete, progress, should_stop)
        return run, group_plan(run.plan)


class ResolutionDelegate(QStyledItemDelegate):
    """A conflict's resolution, or a deletion's "delete / copy it back", chosen from a list in the
    Action column (the choices are the model's, per row)."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.open_editor: QComboBox | None = None  # the editor the view has open, if any
        self.closeEditor.connect(lambda editor, _hint=None: self._forget_editor(editor))

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: _Index) -> QWidget:
        combo = QComboBox(parent)
        combo.setObjectName("resolutionEditor")
        for value, label in index.data(CHOICES_ROLE) or ():
            combo.addItem(label, value)
        # A choice counts as soon as it is made: the totals and the start button follow at once.
        # (-1 is the box being emptied as it is destroyed, after the editor closed: not a choice.)
        combo.currentIndexChanged.connect(lambda row: self.commitData.emit(combo) if row >= 0 else None)
        self.open_editor = combo
        return combo

    def _forget_editor(self, editor: QWidget) -> None:
        if editor is self.open_editor:
            self.open_editor = None  # the view closed it (Enter, focus moved away)

    def close_open_editor(self) -> None:
        """Close an editor still open (the dialog is closing): its choice was already counted."""
        if self.open_editor is not None:
            self.closeEditor.emit(self.open_editor, QAbstractItemDelegate.EndEditHint.NoHint)
            self.open_editor = None

    def setEditorData(self, editor: QWidget, index: _Index) -> None:
        assert isinstance(editor, QComboBox)
        editor.blockSignals(True)  # showing the current choice is not a new choice
        editor.setCurrentIndex(max(0, editor.findData(index.data(Qt.ItemDataRole.EditRole))))
        editor.blockSignals(False)

    def setModelData(self, editor: QWidget, model: Any, index: _Index) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


class SyncPreviewDialog(RememberingDialog):
    start_requested = Signal(object)  # the PreparedRun, its items ticked and resolved as chosen

    def __init__(self, ctx: AppContext, connection: Connection, pair: SyncPair) -> None:
        super().__init__("sync_preview", ctx.dialog_parent)
        self.setObjectName("syncPreviewDialog")
        self.setWindowTitle(f"Sync “{pair.name}”")
        self.resize(980, 600)
        self.ctx = ctx
        self.connection = connection
        self.pair = pair
        self.run: PreparedRun | None = None
        self.progress = ScanProgress()
        self._stop = threading.Event()
        self._task: Task | None = None
        self.model = SyncPreviewModel(self)
        self.context_menu: QMenu | None = None  # the last one shown (tests drive it)

        heading = QLabel(f"<b>{pair.mode.label}</b>: {pair.local} ↔ {pair.uri}")
        heading.setTextFormat(Qt.TextFormat.RichText)
        heading.setWordWrap(True)
        heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.stack = QStackedWidget()
        self.stack.addWidget(self._planning_page())
        self.stack.addWidget(self._preview_page())

        self.buttons = QDialogButtonBox()
        self.start_button = QPushButton("Planning…")
        self.start_button.setObjectName("startSync")
        self.start_button.setEnabled(False)
        self.start_button.setAutoDefault(False)
        # An action button, not an accept button: a button box makes its first accept button the
        # dialog's default when shown, and the default button is what Enter presses.
        self.buttons.addButton(self.start_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.start_button.clicked.connect(self._start)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.buttons)

        self._poll = QTimer(self)
        self._poll.setInterval(100)
        self._poll.timeout.connect(self._show_progress)
        self.finished.connect(lambda _result: self._stop.set())

    def done(self, result: int) -> None:
        self.resolution_delegate.close_open_editor()
        super().done(result)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        """Enter is not a yes: QDialog would press the default button, or a focused auto-default one;
        here it only presses a focused button other than the start button."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            focused = self.focusWidget()
            if isinstance(focused, QPushButton) and focused is not self.start_button and focused.isEnabled():
                focused.click()
            event.accept()
            return
        super().keyPressEvent(event)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and hasattr(self, "view"):
            self.view.setStyleSheet(unchecked_box_style("QTableView", self.palette()))

    # ---------------------------------------------------------------- pages
    def _planning_page(self) -> QWidget:
        page = QWidget()
        self.progress_label = QLabel("Starting…")
        self.progress_label.setObjectName("planningProgress")
        bar = QProgressBar()
        bar.setRange(0, 0)
        bar.setTextVisible(False)
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        layout.addWidget(self.progress_label, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(bar)
        layout.addStretch(1)
        return page

    def _preview_page(self) -> QWidget:
        page = QWidget()
        self.filter_combo = QComboBox()
        self.filter_combo.setObjectName("actionFilter")
        self.filter_combo.addItem("All actions", ALL_ACTIONS)
        for action in Action:
            self.filter_combo.addItem(action.label, action.value)
        self.filter_combo.currentIndexChanged.connect(self._apply_filter)
        tick_all = QPushButton("Tick all")
        tick_all.setAutoDefault(False)
        tick_all.clicked.connect(lambda: self.model.set_all_checked(True))
        tick_none = QPushButton("Tick none")
        tick_none.setAutoDefault(False)
        tick_none.clicked.connect(lambda: self.model.set_all_checked(False))
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Show:"))
        bar.addWidget(self.filter_combo)
        bar.addStretch(1)
        bar.addWidget(tick_all)
        bar.addWidget(tick_none)

        self.model.selection_changed.connect(self._update_summary)
        self.view = QTableView()
        self.view.setObjectName("syncPreviewView")
        self.view.setModel(self.model)
        self.view.setShowGrid(False)
        self.view.setWordWrap(False)
        self.view.setAlternatingRowColors(True)
        self.view.setStyleSheet(unchecked_box_style("QTableView", self.view.palette()))
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        rows = self.view.verticalHeader()
        rows.setVisible(False)
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                  | QAbstractItemView.EditTrigger.SelectedClicked)
        self.resolution_delegate = ResolutionDelegate(self.view)
        show_whole_text_in_tooltips(self.view)
        self.view.setItemDelegateForColumn(COL_ACTION, self.resolution_delegate)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        header = self.view.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in ((COL_PATH, 330), (COL_ACTION, 150), (COL_SIZE, 80), (COL_LOCAL_TIME, 130),
                              (COL_S3_TIME, 130), (COL_REASON, 200)):
            header.resizeSection(column, width)

        self.totals_label = QLabel()
        self.totals_label.setObjectName("syncTotals")
        self.totals_label.setWordWrap(True)
        self.problems_label = QLabel()
        self.problems_label.setObjectName("syncProblems")
        self.problems_label.setWordWrap(True)
        self.problems_label.hide()
        self.guard_label = QLabel()
        self.guard_label.setObjectName("syncGuard")
        self.guard_label.setWordWrap(True)
        self.guard_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.guard_label.hide()
        self.review_check = QCheckBox()
        self.review_check.setObjectName("reviewedDeletions")
        self.review_check.hide()
        self.review_check.toggled.connect(self._update_start)

        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.totals_label)
        layout.addWidget(self.problems_label)
        layout.addWidget(self.guard_label)
        layout.addWidget(self.review_check)
        return page

    # ---------------------------------------------------------------- planning
    def start_planning(self) -> None:
        """Plan on a worker (owned by this dialog: closing it cancels the plan and drops its result)."""
        profile = self.connection.profile
        self._poll.start()
        self._task = self.ctx.runner.run(
            "plan sync", plan_and_group, self.connection, self.pair, profile.soft_delete, self.progress,
            self._stop.is_set, on_result=self._show_plan, on_error=self._planning_failed, owner=self)

    def _show_progress(self) -> None:
        self.progress_label.setText(f"Walked {count_of(self.progress.walked, 'file')} · listed "
                                    f"{count_of(self.progress.listed, 'object')}…")

    def _planning_failed(self, error: BaseException) -> None:
        self._poll.stop()
        self.progress_label.setText(describe(error, bucket=self.pair.bucket).message)
        self.progress_label.setStyleSheet(f"color: {deletion_color().name()};")
        self.progress_label.setWordWrap(True)
        self.start_button.setText("Cannot sync")

    def _show_plan(self, result: tuple[PreparedRun, list[Group]]) -> None:
        self._poll.stop()
        run, groups = result
        self.run = run
        self.model.set_plan(run.plan, groups)
        self.stack.setCurrentIndex(1)
        problems = run.plan.problems
        lines = list(run.plan.notes)
        if problems:
            shown = sorted(problems.items())[:20]
            lines.append(f"{count_of(len(problems), 'path')} left out and kept on both sides (they cannot be read "
                         "or copied as they are); hover for the list, the run log has all of them.")
            self.problems_label.setToolTip("\n".join(f"{one_line(path)}: {why}" for path, why in shown))
        if lines:
            self.problems_label.setText("\n".join(lines))
            self.problems_label.show()
        self._update_summary()

    def _context_menu(self, point: QPoint) -> None:
        rows = sorted({index.row() for index in self.view.selectionModel().selectedRows()}
                      | ({self.view.indexAt(point).row()} if self.view.indexAt(point).isValid() else set()))
        items = [(row, self.model.item_at(self.model.index(row, COL_PATH))) for row in rows]
        deletions = [(row, item) for row, item in items if item is not None and item.action in DELETIONS]
        if not deletions:
            return
        menu = QMenu(self)
        kinds = {item.action for _row, item in deletions}
        label = (RESTORE_LABELS[next(iter(kinds))] if len(kinds) == 1 else "Copy back instead of deleting")
        restore = menu.addAction(f"{label} ({count_of(len(deletions), 'item')})")
        restore.triggered.connect(lambda: self.model.set_restored([row for row, _ in deletions], True))
        undo = menu.addAction("Delete as planned")
        undo.setEnabled(any(item.restore for _row, item in deletions))
        undo.triggered.connect(lambda: self.model.set_restored([row for row, _ in deletions], False))
        menu.popup(self.view.viewport().mapToGlobal(point))
        self.context_menu = menu

    # ---------------------------------------------------------------- summary and guard
    def _apply_filter(self) -> None:
        wanted = self.filter_combo.currentData()
        self.model.show_only(None if wanted == ALL_ACTIONS else Action(wanted))

    def _update_summary(self) -> None:
        run = self.run
        if run is None:
            return
        totals = self.model.totals()
        parts = [f"{action.label}: {count:,} ({human_size(size)})" for action, (count, size) in totals.items()
                 if count]
        unchanged = run.plan.unchanged_local
        self.totals_label.setText(("  ·  ".join(parts) if parts else "Everything is in step; nothing to do.")
                                  + f"  ·  {count_of(unchanged, 'file')} unchanged")
        local_deletions, remote_deletions = self.model.deletions()
        deletions = local_deletions + remote_deletions
        color = deletion_color().name()
        if run.verdict.refusal is not None:
            self.guard_label.setText(run.verdict.refusal)
            self.guard_label.setStyleSheet(f"color: {color};")
            self.guard_label.show()
            self.review_check.hide()
        else:
            notes = []
            if remote_deletions and run.deletes_permanently:
                notes.append(f"{count_of(remote_deletions, 'deletion')} on S3 will be permanent: the bucket is "
                             "not versioned and soft delete is off for this connection.")
            elif remote_deletions:
                notes.append("Objects deleted on S3 can be restored (trash or older versions).")
            if local_deletions:
                notes.append("Local files deleted or replaced go to the desktop trash.")
            self.guard_label.setText(" ".join(notes))
            self.guard_label.setStyleSheet(f"color: {color};" if run.deletes_permanently and remote_deletions
                                           else "")
            self.guard_label.setVisible(bool(notes))
            over = review_needed(local_deletions, remote_deletions, run.plan.local_count, run.plan.remote_count)
            self.review_check.setText(f"I have reviewed these {deletions:,} deletions")
            self.review_check.setVisible(over)
            if not over:
                self.review_check.setChecked(False)
        self.start_button.setText(start_label(totals))
        self._update_start()

    def _update_start(self) -> None:
        run = self.run
        if run is None:
            self.start_button.setEnabled(False)
            return
        totals = self.model.totals()
        anything = any(count for count, _size in totals.values()) or bool(run.plan.in_step) or bool(
            run.plan.stale) or bool(run.plan.folders)
        reviewed = self.review_check.isHidden() or self.review_check.isChecked()
        self.start_button.setEnabled(run.verdict.refusal is None and anything and reviewed)
        if not any(count for count, _size in totals.values()) and anything:
            self.start_button.setText("Record as in step")

    def _start(self) -> None:
        if self.run is None or not self.start_button.isEnabled():
            return
        self.start_requested.emit(self.run)
        self.accept()
