"""The preview pane: the selected object as a picture, as text, or (for anything else) its properties.

It only shows what it is given; :class:`~s3browser.ui.inspect.preview.PreviewController`
fetches on a worker and cancels when the selection moves.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase, QImage, QPixmap, QResizeEvent, QTextOption
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QPlainTextEdit,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)


class ScaledImage(QLabel):
    """A picture scaled to fit the pane (never up beyond its own size), kept sharp on resize."""

    def __init__(self) -> None:
        super().__init__()
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.setMinimumSize(64, 64)
        self.image = QImage()

    def set_image(self, image: QImage) -> None:
        self.image = image
        self._rescale()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._rescale()

    def _rescale(self) -> None:
        if self.image.isNull():
            self.clear()
            return
        ratio = self.devicePixelRatioF()
        room = self.size() * ratio
        image = self.image
        if image.width() > room.width() or image.height() > room.height():
            image = image.scaled(room, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)
        pixmap = QPixmap.fromImage(image)
        pixmap.setDevicePixelRatio(ratio)
        self.setPixmap(pixmap)


class PreviewPane(QDockWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Preview", parent)
        self.setObjectName("previewDock")
        body = QWidget()
        self.title_label = QLabel()
        self.title_label.setObjectName("previewTitle")
        self.title_label.setWordWrap(True)
        self.title_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.note_label = QLabel()
        self.note_label.setObjectName("previewNote")
        self.note_label.setWordWrap(True)
        self.image = ScaledImage()
        self.image.setAccessibleName("Picture preview")
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setAccessibleName("Text preview")
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)  # a narrow pane shows whole lines
        self.text.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.details = QLabel()
        self.details.setObjectName("previewDetails")
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.stack = QStackedWidget()
        for widget in (self.details, self.image, self.text):
            self.stack.addWidget(widget)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.title_label)
        layout.addWidget(self.note_label)
        layout.addWidget(self.stack, 1)
        self.setWidget(body)
        self.show_message("", "Select a file to preview it.")

    def show_message(self, title: str, text: str) -> None:
        self.title_label.setText(title)
        self.note_label.setText("")
        self.note_label.setVisible(False)
        self.details.setText(text)
        self.stack.setCurrentWidget(self.details)

    def show_image(self, title: str, image: QImage, note: str = "") -> None:
        self._title(title, note)
        self.image.set_image(image)
        self.stack.setCurrentWidget(self.image)

    def show_text(self, title: str, text: str, note: str) -> None:
        self._title(title, note)
        self.text.setPlainText(text)
        self.stack.setCurrentWidget(self.text)

    def show_details(self, title: str, rows: list[tuple[str, str]], note: str = "") -> None:
        self._title(title, note)
        self.details.setTextFormat(Qt.TextFormat.PlainText)
        self.details.setText("\n".join(f"{label}: {value}" for label, value in rows))
        self.stack.setCurrentWidget(self.details)

    def _title(self, title: str, note: str) -> None:
        self.title_label.setText(title)
        self.note_label.setText(note)
        self.note_label.setVisible(bool(note))
