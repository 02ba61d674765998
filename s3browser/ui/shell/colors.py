"""Message colours that stay readable in light and dark palettes.

A fixed red (#b00020) reads well on white but reaches only about 1.7:1 on a dark window.  Each
colour here has a light-background and a dark-background variant; the one matching the palette
is used, and if it still falls short of 4.5:1 (WCAG AA for text) the palette's own text colour is.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QGuiApplication, QPalette

MINIMUM_CONTRAST = 4.5

_VARIANTS = {  # name -> (on a light background, on a dark background)
    "error": ("#b00020", "#ff8a80"),
    "warning": ("#8a4b00", "#ffb74d"),
    "success": ("#1b6e2a", "#81c784"),
}


def relative_luminance(color: QColor) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(color.redF()) + 0.7152 * channel(color.greenF()) + 0.0722 * channel(color.blueF())


def contrast_ratio(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio, from 1 (same) to 21 (black on white)."""
    high, low = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def message_color(name: str, palette: QPalette | None = None,
                  background: QPalette.ColorRole = QPalette.ColorRole.Window) -> QColor:
    """The ``error``, ``warning`` or ``success`` colour for text on ``background`` of ``palette``."""
    palette = palette or QGuiApplication.palette()
    back = palette.color(background)
    light, dark = _VARIANTS[name]
    color = QColor(dark if back.lightness() < 128 else light)
    if contrast_ratio(color, back) >= MINIMUM_CONTRAST:
        return color
    text_role = QPalette.ColorRole.Text if background == QPalette.ColorRole.Base else QPalette.ColorRole.WindowText
    return palette.color(text_role)


def color_style(name: str, palette: QPalette | None = None) -> str:
    """A style sheet colouring a label's text with :func:`message_color`."""
    return f"color: {message_color(name, palette).name()};"


def sample_dark_palette() -> QPalette:
    """A typical dark desktop palette (Fusion-like): what screenshots and the contrast tests check against."""
    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: "#2b2b2b", QPalette.ColorRole.WindowText: "#e6e6e6",
        QPalette.ColorRole.Base: "#1e1e1e", QPalette.ColorRole.AlternateBase: "#262626",
        QPalette.ColorRole.Text: "#e6e6e6", QPalette.ColorRole.Button: "#353535",
        QPalette.ColorRole.ButtonText: "#e6e6e6", QPalette.ColorRole.Highlight: "#3d6fb4",
        QPalette.ColorRole.HighlightedText: "#ffffff", QPalette.ColorRole.ToolTipBase: "#353535",
        QPalette.ColorRole.ToolTipText: "#e6e6e6", QPalette.ColorRole.PlaceholderText: "#8a8a8a",
        QPalette.ColorRole.Link: "#8ab4f8", QPalette.ColorRole.LinkVisited: "#c58af9",
    }
    for role, color in roles.items():
        palette.setColor(role, QColor(color))
    for role in (QPalette.ColorRole.ButtonText, QPalette.ColorRole.Text, QPalette.ColorRole.WindowText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7a7a7a"))  # disabled must look disabled
    return palette


def unchecked_box_style(view_type: str, palette: QPalette | None = None) -> str:
    """A style sheet that frames an item view's unticked boxes in a colour that stands out from its base.

    Fusion draws an unticked box's outline from the window colour, which on a dark palette is
    nearly the base colour: an unticked row looks like a row with no box at all.  Only the
    unticked state is styled; ticked and partly ticked boxes keep the style's own drawing."""
    palette = palette or QGuiApplication.palette()
    text, base = palette.color(QPalette.ColorRole.Text), palette.color(QPalette.ColorRole.Base)
    frame = QColor(round(text.red() * 0.6 + base.red() * 0.4), round(text.green() * 0.6 + base.green() * 0.4),
                   round(text.blue() * 0.6 + base.blue() * 0.4))
    return (f"{view_type}::indicator:unchecked {{ border: 1px solid {frame.name()}; border-radius: 2px; "
            f"background: {base.name()}; width: 11px; height: 11px; }}")
