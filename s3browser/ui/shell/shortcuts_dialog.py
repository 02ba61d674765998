"""Help → Keyboard shortcuts: every key the window answers to.

The menus' shortcuts and those of the views' own actions (Space, Backspace, Select all…) are read
from the live actions, so that part cannot drift from what the keys do; the keys the views handle
themselves (Enter, Home and End, the bucket list's) are listed from :data:`VIEW_KEYS`.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QMenu,
    QMenuBar,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

# Keys a view handles itself, with no action of its own (where, what, keys).
VIEW_KEYS: tuple[tuple[str, str, str], ...] = (
    ("Table", "Open the file, folder or bucket", "Enter, double-click"),
    ("Table", "First or last row", "Home, End"),
    ("Table", "Move through the rows; extend the selection with Shift", "Up, Down, Page Up, Page Down"),
    ("Table", "Go to the row whose name starts with the letters typed", "Letters"),
    ("Bucket list", "Open the bucket", "Enter, double-click"),
    ("Bucket list", "Delete the selected bucket", "Del"),
    ("Bucket list", "List the buckets again", "F5"),
    ("Folder tree", "Open the bucket or folder", "Enter, click"),
    ("Folder tree", "Expand or collapse", "Right, Left"),
    ("Anywhere", "Stop loading; else clear the filter; else leave the search results", "Esc"),
    ("Path field", "Go to the path typed", "Enter"),
    ("Search field", "Search below this folder", "Enter"),
    ("Text fields", "Text editing comes first: Del, Backspace, Ctrl+A/C/X/V, and Ctrl+U (clear the line) edit "
                    "the text; F2, Alt+Enter, Ctrl+D and the rest still act on the selection", ""),
)


def _keys(action: QAction) -> str:
    return ", ".join(key.toString(QKeySequence.SequenceFormat.NativeText) for key in action.shortcuts())


def shortcut_rows(menu_bar: QMenuBar, views: Sequence[tuple[str, QWidget]] = ()) -> list[tuple[str, str, str]]:
    """(where, action, keys): each menu action with a shortcut in menu order, then each view's own
    actions not already listed (Space, Backspace…), then :data:`VIEW_KEYS`."""
    rows = []
    listed: set[int] = set()
    for top in menu_bar.actions():
        menu = top.menu()
        if not isinstance(menu, QMenu):
            continue
        menu_name = top.text().replace("&", "")
        for action in menu.actions():
            keys = _keys(action)
            if keys and not action.isSeparator():
                rows.append((menu_name, action.text().replace("&", "").rstrip("…"), keys))
                listed.add(id(action))
    for where, view in views:
        for action in view.actions():
            keys = _keys(action)
            if keys and id(action) not in listed:
                rows.append((where, action.text().replace("&", "").rstrip("…"), keys))
                listed.add(id(action))
    rows.extend(VIEW_KEYS)
    return rows


class ShortcutsDialog(QDialog):
    def __init__(self, menu_bar: QMenuBar, parent: QWidget | None = None,
                 views: Sequence[tuple[str, QWidget]] = ()) -> None:
        super().__init__(parent)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle("Keyboard shortcuts")
        rows = shortcut_rows(menu_bar, views)
        self.table = QTableWidget(len(rows), 3)
        self.table.setAccessibleName("Keyboard shortcuts")
        self.table.setHorizontalHeaderLabels(["Where", "Action", "Keys"])
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        for row, values in enumerate(rows):
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(value)  # a long line is never cut off unseen
                self.table.setItem(row, column, item)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.resizeColumnToContents(0)
        self.table.resizeColumnToContents(2)
        self.table.resizeRowsToContents()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(640, 600)
