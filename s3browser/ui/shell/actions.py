"""One way to make an action, so text, icon, shortcut and tooltip are set alike everywhere."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence

from s3browser.ui.shell import icons

Shortcut = QKeySequence | QKeySequence.StandardKey | str


def make_action(parent: QObject, text: str, slot: Callable[[], object], *, icon: str | None = None,
                shortcut: Shortcut | None = None, tooltip: str | None = None,
                widget_only: bool = False) -> QAction:
    """An action calling ``slot`` with no arguments.

    ``widget_only`` keeps the shortcut to the widget the action is added to (so Del or Ctrl+C
    in a text field keep their meaning).
    """
    action = QAction(text, parent)
    # The toolbar's label: Qt 6.6 strips "&" but keeps "…" ("Upload…" under the icon); later
    # versions strip both.  Set it, so every supported Qt shows "Upload".
    action.setIconText(text.replace("&", "").removesuffix("…").removesuffix("..."))
    if icon:
        action.setIcon(icons.icon(icon))
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    if widget_only:
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    if tooltip:
        action.setToolTip(tooltip)
    action.triggered.connect(lambda _checked=False: slot())
    return action
