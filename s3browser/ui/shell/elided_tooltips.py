"""Cells whose text does not fit show it whole in a tooltip.

Item views elide a long cell ("/home/ann/Phot…"); this delegate answers the tooltip request of
such a cell with its whole text, so nothing in a column is out of reach.  A cell whose model gives
its own tooltip keeps it, and a cell whose text fits gets none.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QAbstractItemView, QStyledItemDelegate, QStyleOptionViewItem, QToolTip

_PADDING = 12  # the style's margins around a cell's text


class ElidedTextTooltips(QStyledItemDelegate):
    def helpEvent(self, event: QHelpEvent, view: QAbstractItemView, option: QStyleOptionViewItem,
                  index: QModelIndex | QPersistentModelIndex) -> bool:
        if event is None or event.type() != QEvent.Type.ToolTip or not index.isValid():
            return super().helpEvent(event, view, option, index)
        if index.data(Qt.ItemDataRole.ToolTipRole):
            return super().helpEvent(event, view, option, index)
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        if text and is_elided(text, option, index):
            QToolTip.showText(event.globalPos(), text, view, view.visualRect(index))
            return True
        QToolTip.hideText()
        return True

    def cell_is_elided(self, view: QAbstractItemView, index: QModelIndex) -> bool:
        """Whether ``index``'s text is cut short as ``view`` shows it now (tests ask)."""
        option = QStyleOptionViewItem()
        option.initFrom(view.viewport())
        option.rect = view.visualRect(index)
        return is_elided(str(index.data() or ""), option, index)


def is_elided(text: str, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> bool:
    room = option.rect.width() - _PADDING
    if index.data(Qt.ItemDataRole.DecorationRole) is not None:
        room -= option.decorationSize.width() + 4
    widest = max((option.fontMetrics.horizontalAdvance(line) for line in text.splitlines()), default=0)
    return widest > room


def show_whole_text_in_tooltips(*views: QAbstractItemView) -> None:
    """Give each view the delegate (its own, parented to it)."""
    for view in views:
        view.setItemDelegate(ElidedTextTooltips(view))
        view.setTextElideMode(Qt.TextElideMode.ElideRight)  # "…" where the text is cut, never a clean cut
