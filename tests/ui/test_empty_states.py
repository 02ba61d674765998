"""The object table says why it is empty: no buckets, an empty bucket, a missing folder, no match, denied."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette

from s3browser.core.s3.locations import Location
from s3browser.ui.shell import icons
from s3browser.ui.shell.colors import sample_dark_palette
from tests.ui.conftest import wait_loaded


def drawn_text_pixels(win) -> int:  # noqa: ANN001
    """Pixels in the viewport's middle band that differ from its background: the drawn message."""
    image = win.table.viewport().grab().toImage()
    base = win.table.palette().color(QPalette.ColorRole.Base)
    band = range(image.height() // 8, image.height() // 2)
    return sum(1 for y in band for x in range(0, image.width(), 3) if image.pixelColor(x, y) != base)


def test_each_empty_table_says_why(qtbot, connected, s3_admin) -> None:
    win = connected
    model = win.table_model
    assert model.rowCount() == 0
    assert model.empty_state() == ("bucket", "No buckets yet. Create one here or with Bucket → New bucket…")
    s3_admin.create_bucket(Bucket="hollow")
    s3_admin.put_object(Bucket="hollow", Key="real/file.txt", Body=b"x")
    s3_admin.create_bucket(Bucket="void")
    win.navigation.navigate(Location("void"))
    wait_loaded(qtbot, win)
    assert model.empty_state() == ("upload", "This bucket is empty. Drop files here to upload them.")
    assert drawn_text_pixels(win) > 50
    win.navigation.navigate(Location("hollow", "missing/"))
    wait_loaded(qtbot, win)
    icon, text = model.empty_state()
    assert text.startswith("No folder s3://hollow/missing/ (nothing is stored under this prefix)")
    win.navigation.navigate(Location("hollow"))
    wait_loaded(qtbot, win)
    assert model.empty_state() is None, "rows: nothing to say"
    assert drawn_text_pixels(win) < drawn_text_pixels_after_filter(qtbot, win)
    assert model.empty_state() == ("filter", "No names match “zzz”.")


def drawn_text_pixels_after_filter(qtbot, win) -> int:  # noqa: ANN001
    win.filter_edit.setText("zzz")
    qtbot.waitUntil(lambda: win.table_model.rowCount() == 0)
    return drawn_text_pixels(win)


def test_a_denied_bucket_says_so_in_the_table(qtbot, window, auth_moto_endpoint) -> None:
    from s3browser.core.settings.secrets import Secrets
    from tests.conftest import _profile

    endpoint, (key, secret) = auth_moto_endpoint
    with qtbot.waitSignal(window.connections.connected, timeout=10000):
        window.connections.connect_profile(_profile(endpoint, key), Secrets(secret), remember=False)
    wait_loaded(qtbot, window)
    window.navigation.navigate(Location("locked-bucket"))
    qtbot.waitUntil(lambda: bool(window.table_model.load_error), timeout=10000)
    icon, text = window.table_model.empty_state()
    assert icon == "error" and text.startswith("Access denied")


def test_not_connected_table_points_to_connections(qtbot, window) -> None:
    assert window.table_model.empty_state() == ("connect", "Not connected. Choose a connection with File → "
                                                           "Connections…")


def test_line_icons_turn_light_on_a_dark_palette(qapp) -> None:
    def lightest(icon) -> int:  # noqa: ANN001
        image = icon.pixmap(48, 48).toImage()
        return max(QColor(image.pixelColor(x, y)).lightness() for y in range(48) for x in range(48)
                   if image.pixelColor(x, y).alpha() > 200)

    light_palette = QPalette(qapp.palette())
    try:
        qapp.setPalette(sample_dark_palette())
        on_dark = lightest(icons.icon("go-back"))
    finally:
        qapp.setPalette(light_palette)
    on_light = lightest(icons.icon("go-back"))
    assert on_dark > 180 and on_light < 120, (on_dark, on_light)
