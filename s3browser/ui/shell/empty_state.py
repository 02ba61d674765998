"""Drawing an empty view's message: an icon and a sentence in the middle, so blank never means "nothing to say"."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import QWidget

from s3browser.ui.shell import icons

ICON_SIZE = 48


def _top(viewport: QWidget) -> int:
    return max(16, viewport.rect().height() // 4 - ICON_SIZE)


def empty_state_bottom(viewport: QWidget, text: str) -> int:
    """Where the painted sentence ends: a button offered with it goes below."""
    area = viewport.rect().adjusted(24, 0, -24, 0)
    text_top = _top(viewport) + ICON_SIZE + 12
    bounds = viewport.fontMetrics().boundingRect(QRect(area.left(), text_top, area.width(), area.height()),
                                                 int(Qt.AlignmentFlag.AlignHCenter | Qt.TextFlag.TextWordWrap), text)
    return bounds.bottom()


def paint_empty_state(viewport: QWidget, icon_name: str, text: str) -> None:
    """Paint ``text`` under the ``icon_name`` icon, centred in the upper third of ``viewport``."""
    painter = QPainter(viewport)
    area = viewport.rect().adjusted(24, 0, -24, 0)
    top = _top(viewport)
    pixmap = icons.icon(icon_name).pixmap(ICON_SIZE, ICON_SIZE)
    painter.setOpacity(0.6)
    painter.drawPixmap(area.center().x() - ICON_SIZE // 2, top, pixmap)
    painter.setOpacity(1.0)
    painter.setPen(viewport.palette().color(QPalette.ColorRole.Text))
    text_rect = QRect(area.left(), top + ICON_SIZE + 12, area.width(), area.height())
    painter.drawText(text_rect, int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
                                    | Qt.TextFlag.TextWordWrap), text)
    painter.end()
