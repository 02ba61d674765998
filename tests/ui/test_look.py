"""What the window looks like, checked in pixels: the queue's progress bars, message contrast."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QImage, QPainter, QPalette, QStandardItemModel
from PySide6.QtWidgets import QStyleOptionViewItem, QTableView

from s3browser.ui.shell.colors import contrast_ratio, message_color, sample_dark_palette
from s3browser.ui.shell.message_banner import banner_colors
from s3browser.ui.shell.transfer_queue_model import COL_PROGRESS, PROGRESS_ROLE
from s3browser.ui.transfers.panel import ProgressDelegate


def render_progress(qtbot, fraction: float | None, width: int = 200, height: int = 24) -> QImage:  # noqa: ANN001
    view = QTableView()
    qtbot.addWidget(view)
    view.setStyleSheet("QAbstractItemView:focus { border: 1px solid palette(highlight); }")  # as the window has
    delegate = ProgressDelegate(view)
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    option = QStyleOptionViewItem()
    option.initFrom(view)
    option.rect = QRect(0, 0, width, height)
    option.widget = view
    painter = QPainter(image)
    model = QStandardItemModel(1, COL_PROGRESS + 1)
    model.setData(model.index(0, COL_PROGRESS), fraction, PROGRESS_ROLE)
    delegate.paint(painter, option, model.index(0, COL_PROGRESS))
    painter.end()
    return image


def _distance(a: QColor, b: QColor) -> int:
    return abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue())


@pytest.mark.parametrize("fraction", [0.3, 0.7])
def test_progress_bar_fills_left_to_right(qtbot, fraction: float) -> None:
    image = render_progress(qtbot, fraction)
    width, height = image.width(), image.height()
    highlight = QTableView().palette().color(QTableView().palette().ColorRole.Highlight)
    filled_x = int(width * fraction * 0.5)  # well inside the filled part
    empty_x = int(width * (fraction + (1 - fraction) * 0.6))  # well inside the empty part
    # Away from the centred percentage text, near the top and the bottom of the bar.
    for y in (7, height - 8):
        filled = image.pixelColor(filled_x, y)
        empty = image.pixelColor(empty_x, y)
        assert _distance(filled, highlight) < _distance(empty, highlight), (fraction, y, filled.name(),
                                                                              empty.name())
        assert _distance(filled, empty) > 60
    # Top and bottom of the filled part are the same colour: the bar is not filled bottom-up.
    assert _distance(image.pixelColor(filled_x, 7), image.pixelColor(filled_x, height - 8)) < 60


def test_progress_bar_grows_with_the_fraction(qtbot) -> None:
    def filled_columns(image: QImage) -> int:
        highlight = QColor(QTableView().palette().color(QTableView().palette().ColorRole.Highlight))
        y = 7
        return sum(1 for x in range(image.width()) if _distance(image.pixelColor(x, y), highlight) < 90)

    assert filled_columns(render_progress(qtbot, 0.2)) < filled_columns(render_progress(qtbot, 0.8))


def test_progress_cell_without_a_fraction_paints_no_bar(qtbot) -> None:
    image = render_progress(qtbot, None)
    assert image.pixelColor(100, 12) == QColor("white")


# ---------------------------------------------------------------- message colours
@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
@pytest.mark.parametrize("name", ["error", "warning", "success"])
def test_message_colours_reach_4_5_to_1_on_window_and_base(qapp, dark: bool, name: str) -> None:
    palette = sample_dark_palette() if dark else QPalette(qapp.palette())
    for background in (QPalette.ColorRole.Window, QPalette.ColorRole.Base):
        color = message_color(name, palette, background)
        assert contrast_ratio(color, palette.color(background)) >= 4.5, (name, background)


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_banner_text_reaches_4_5_to_1(qapp, dark: bool) -> None:
    palette = sample_dark_palette() if dark else QPalette(qapp.palette())
    background, text = banner_colors(palette)
    assert contrast_ratio(text, background) >= 4.5


def test_the_old_fixed_red_failed_on_dark() -> None:
    """Why the colours are chosen per palette: the fixed red measured about 1.7:1 on the dark window."""
    window = sample_dark_palette().color(QPalette.ColorRole.Window)
    assert contrast_ratio(QColor("#b00020"), window) < 2.0
    assert contrast_ratio(message_color("error", sample_dark_palette()), window) >= 4.5


def test_contrast_ratio_matches_wcag_extremes() -> None:
    assert round(contrast_ratio(QColor("black"), QColor("white")), 1) == 21.0
    assert contrast_ratio(QColor("#777777"), QColor("#777777")) == 1.0


def test_progress_text_is_centred(qtbot) -> None:
    """The percentage sits in the middle of the bar, not at its top-left corner (where a view with a
    style sheet put it while the delegate left the option's alignment at its default)."""
    image = render_progress(qtbot, 0.0, 200, 24)
    white = QColor("white")

    def ink_columns(x_range: range) -> int:
        return sum(1 for x in x_range for y in range(4, 20) if _distance(image.pixelColor(x, y), white) > 200)

    assert ink_columns(range(85, 115)) > 0
    assert ink_columns(range(4, 40)) == 0


def test_drag_badge_is_compact_beside_the_pointer_and_painted(qtbot, connected, s3_admin) -> None:
    """Dragged rows show a one-line badge below-right of the pointer, not the rows themselves."""
    from PySide6.QtCore import QPoint

    from s3browser.core.s3.locations import Location
    from s3browser.ui.browsing.drag_badge import MAX_TEXT_WIDTH
    from tests.ui.conftest import wait_loaded
    from tests.ui.test_drag_out import select_names

    s3_admin.create_bucket(Bucket="drag-look")
    for name in ("a-very-long-name-" * 12 + ".txt", "b.txt", "c.txt"):
        s3_admin.put_object(Bucket="drag-look", Key=name, Body=b"x")
    win = connected
    win.table.horizontalHeader().resizeSection(0, 900)
    win.navigation.navigate(Location("drag-look", ""))
    wait_loaded(qtbot, win)

    select_names(win, ["b.txt"])
    drag = win.table.make_drag()
    assert drag is not None and drag.mimeData() is not None
    pixmap = drag.pixmap()
    ratio = pixmap.devicePixelRatio()
    single_width = pixmap.width() / ratio
    assert pixmap.height() / ratio <= 3 * win.fontMetrics().height(), "one line, not a row of the table"
    assert drag.hotSpot().x() < 0 and drag.hotSpot().y() < 0, "the badge sits beside the pointer"

    image = pixmap.toImage()
    base = win.table.palette().color(QPalette.ColorRole.Base)
    middle = image.pixelColor(image.width() - 4, image.height() // 2)
    assert _distance(middle, base) < 40, f"badge background {middle.name()} should be the view's base {base.name()}"
    assert image.pixelColor(0, 0).alpha() == 0, "rounded corners are transparent"
    text_ink = [image.pixelColor(x, image.height() // 2) for x in range(int(24 * ratio), image.width() - 4)]
    assert any(_distance(c, base) > 100 for c in text_ink), "the name is drawn"

    win.table.clearSelection()
    select_names(win, ["a-very-long-name-" * 12 + ".txt", "b.txt", "c.txt"])
    many = win.table.make_drag()
    assert many is not None
    assert many.pixmap().width() / ratio <= MAX_TEXT_WIDTH + 60, "long names are elided"
    assert many.pixmap().width() / ratio > single_width, "“3 items” is wider than “b.txt”"
    assert many.hotSpot() == QPoint(drag.hotSpot())


def test_drag_badge_text() -> None:
    from s3browser.ui.browsing.drag_badge import badge_text

    assert badge_text("report.pdf", 1) == "report.pdf"
    assert badge_text("report.pdf", 3) == "3 items"
    assert badge_text("x", 1200) == "1,200 items"
