"""Questions to the user behind one small interface, so logic and tests never block on a modal box.

Tests replace :data:`interaction` with a scripted answerer; the app uses message boxes.
"""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget


class Interaction:
    def confirm(self, parent: QWidget | None, title: str, text: str) -> bool:
        answer = QMessageBox.question(parent, title, text,
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes


interaction = Interaction()


def install(replacement: Interaction) -> Interaction:
    """Swap the interaction used by the app; returns the previous one."""
    global interaction
    previous, interaction = interaction, replacement
    return previous


def confirm(parent: QWidget | None, title: str, text: str) -> bool:
    return interaction.confirm(parent, title, text)
