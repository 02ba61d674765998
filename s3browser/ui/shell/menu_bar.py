"""The menu bar's layout: which action sits in which menu, in what order.

Every feature is reachable from here, so nothing depends on finding a context menu.  The actions
themselves belong to the controllers; this module only arranges them.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QMenuBar

MenuLayout = Sequence[tuple[str, str, Sequence[QAction | None]]]  # (object name, title, actions; None = separator)


def fill_menu_bar(menu_bar: QMenuBar, layout: MenuLayout) -> dict[str, QMenu]:
    """Add one menu per entry of ``layout``; returns them by object name."""
    menus: dict[str, QMenu] = {}
    for name, title, actions in layout:
        menu = menu_bar.addMenu(title)
        menu.setObjectName(name)
        for action in actions:
            if action is None:
                menu.addSeparator()
            else:
                menu.addAction(action)
        menus[name] = menu
    return menus
