"""A plain-text editor for JSON documents (policies, CORS and lifecycle rules) with line numbers and a
highlighted error line, since a syntax error is reported by line and column.

The line-number gutter is painted by hand (Qt's own "code editor" pattern): it follows the
editor's scrolling and font, and marks the line of the current error.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QFontDatabase, QPainter, QPaintEvent, QResizeEvent, QTextCursor, QTextFormat
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QWidget

from s3browser.ui.shell.colors import message_color

GUTTER_PADDING = 6


class _Gutter(QWidget):
    def __init__(self, editor: CodeEditor) -> None:
        super().__init__(editor)
        self.editor = editor

    def sizeHint(self) -> QSize:
        return QSize(self.editor.gutter_width(), 0)

    def paintEvent(self, event: QPaintEvent) -> None:
        self.editor.paint_gutter(event)


class CodeEditor(QPlainTextEdit):
    """A monospace editor with line numbers; :meth:`mark_error_line` tints one line (0: none)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setTabChangesFocus(True)  # Tab moves on to Apply: keyboard users are not trapped
        self.gutter = _Gutter(self)
        self.error_line = 0
        self.blockCountChanged.connect(self._update_gutter_width)
        self.updateRequest.connect(self._update_gutter)
        self._update_gutter_width()

    def gutter_width(self) -> int:
        digits = max(2, len(str(max(1, self.blockCount()))))
        return GUTTER_PADDING * 2 + self.fontMetrics().horizontalAdvance("9") * digits

    def _update_gutter_width(self, *_args: object) -> None:
        self.setViewportMargins(self.gutter_width(), 0, 0, 0)

    def _update_gutter(self, rect: QRect, dy: int) -> None:
        if dy:
            self.gutter.scroll(0, dy)
        else:
            self.gutter.update(0, rect.y(), self.gutter.width(), rect.height())
        if rect.contains(self.viewport().rect()):
            self._update_gutter_width()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        area = self.contentsRect()
        self.gutter.setGeometry(QRect(area.left(), area.top(), self.gutter_width(), area.height()))

    def paint_gutter(self, event: QPaintEvent) -> None:
        painter = QPainter(self.gutter)
        palette = self.palette()
        painter.fillRect(event.rect(), palette.color(palette.ColorRole.AlternateBase))
        error_color = message_color("error", palette, palette.ColorRole.Base)
        number_color = palette.color(palette.ColorRole.PlaceholderText)
        block = self.firstVisibleBlock()
        number = block.blockNumber() + 1
        top = round(self.blockBoundingGeometry(block).translated(self.contentOffset()).top())
        height = self.fontMetrics().height()
        while block.isValid() and top <= event.rect().bottom():
            bottom = top + round(self.blockBoundingRect(block).height())
            if block.isVisible() and bottom >= event.rect().top():
                is_error = number == self.error_line
                if is_error:
                    painter.fillRect(0, top, self.gutter.width(), bottom - top, error_color)
                painter.setPen(palette.color(palette.ColorRole.Base) if is_error else number_color)
                painter.drawText(0, top, self.gutter.width() - GUTTER_PADDING, height,
                                 int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), str(number))
            block = block.next()
            top = bottom
            number += 1
        painter.end()

    def mark_error_line(self, line: int) -> None:
        """Tint line ``line`` (1-based) as the place of the current error; 0 clears it."""
        if line == self.error_line:
            return
        self.error_line = line
        selections = []
        if line > 0:
            block = self.document().findBlockByNumber(line - 1)
            if block.isValid():
                selection = QTextEdit.ExtraSelection()
                tint = QColor(message_color("error", self.palette(), self.palette().ColorRole.Base))
                tint.setAlpha(48)
                selection.format.setBackground(tint)
                selection.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
                selection.cursor = QTextCursor(block)
                selections.append(selection)
        self.setExtraSelections(selections)
        self.gutter.update()
