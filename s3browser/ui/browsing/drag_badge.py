"""The small picture that follows the pointer while rows are dragged.

Qt's default drag picture is the dragged rows themselves, as wide as the table, held under the
pointer: it hides the bucket or folder the user is aiming at.  This badge is one line (the first
row's icon and name, or a count), at most a few hundred pixels wide, and sits below and to the
right of the pointer so the drop target stays visible.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetrics, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QWidget

from s3browser.ui.shell.formatting import tr_n

MAX_TEXT_WIDTH = 220  # logical pixels; longer names are elided in the middle
PADDING = 6
ICON_SIZE = 16
HOTSPOT = QPoint(-14, -14)  # the badge's top-left sits this far below-right of the pointer


def badge_text(first_name: str, count: int) -> str:
    """What the badge says: the name of a single item, or how many there are."""
    return first_name if count == 1 else tr_n("%n item(s)", count)


def drag_badge(widget: QWidget, icon: QIcon | None, text: str) -> QPixmap:
    """A rounded badge in the view's colours with ``icon`` and ``text``, at the widget's pixel ratio."""
    palette = widget.palette()
    metrics = QFontMetrics(widget.font())
    shown = metrics.elidedText(text, Qt.TextElideMode.ElideMiddle, MAX_TEXT_WIDTH)
    text_width = metrics.horizontalAdvance(shown)
    height = max(ICON_SIZE, metrics.height()) + 2 * PADDING
    width = PADDING + ICON_SIZE + PADDING + text_width + PADDING
    ratio = widget.devicePixelRatioF()
    pixmap = QPixmap(int(width * ratio), int(height * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    background = QColor(palette.color(QPalette.ColorRole.Base))
    background.setAlpha(240)  # the icons are drawn for the views' base colour, so the badge uses it
    painter.setPen(palette.color(QPalette.ColorRole.Highlight))
    painter.setBrush(background)
    painter.drawRoundedRect(QRectF(0.5, 0.5, width - 1, height - 1), 5, 5)
    if icon is not None and not icon.isNull():
        icon.paint(painter, PADDING, (height - ICON_SIZE) // 2, ICON_SIZE, ICON_SIZE)
    painter.setPen(palette.color(QPalette.ColorRole.Text))
    painter.setFont(widget.font())
    painter.drawText(QRectF(2 * PADDING + ICON_SIZE, 0, text_width + 1, height),
                     int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft), shown)
    painter.end()
    return pixmap
