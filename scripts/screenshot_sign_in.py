"""Render signing in to IAM Identity Center (issue 31), light or dark, against a loopback stand-in.

    PYTHONPATH=. xvfb-run -s "-screen 0 1280x800x24" python scripts/screenshot_sign_in.py OUT_PREFIX [--dark]

Saves OUT_PREFIX-form.png (the connection form of the IAM Identity Center type), -code.png (the
sign-in dialog showing its code), -pickers.png (the account and role pickers), -offer.png (the
window connected through a role: the status bar's "Signed in until", the role beside the
connection's name, and the offer to sign in again before the end), -link.png (a link capped to
the credentials' end), -mfa.png (the MFA code dialog) and -role.png (the form of *Assume a role*).
"""

from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import replace

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget

from s3browser.ui.connections import sign_in_dialog
from s3browser.ui.connections.sign_in_dialog import SignInDialog
from s3browser.ui.connections.sso_pickers import AccountRoleDialog
from scripts.screenshot import app_window_and_demo
from tests.support.sso_standin import SsoStandIn

START_URL = "https://my-company.awsapps.com/start"


def main(prefix: str, dark: bool = False) -> int:
    home = tempfile.mkdtemp()
    os.environ.update(HOME=home, XDG_CONFIG_HOME=os.path.join(home, "config"),
                      AWS_CONFIG_FILE=os.path.join(home, "aws-config"))
    stand_in = SsoStandIn()
    os.environ["AWS_ENDPOINT_URL_SSO_OIDC"] = os.environ["AWS_ENDPOINT_URL_SSO"] = stand_in.url
    stand_in.answers = ["pending"] * 3
    sign_in_dialog.open_web_page = lambda _url: True  # no browser here
    app, window, demo = app_window_and_demo(dark)
    window.resize(1100, 680)

    def save(widget: QWidget, name: str) -> None:
        widget.grab().save(f"{prefix}-{name}.png")
        print(f"saved {prefix}-{name}.png")

    def later(ms: int, step) -> None:  # noqa: ANN001
        QTimer.singleShot(ms, step)

    def top(kind: type):  # noqa: ANN202
        return next((w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()), None)

    def form() -> None:
        dialog = window.connections.open_new_connection()
        dialog.type_combo.setCurrentIndex(dialog.type_combo.findData("sso"))
        dialog.name_edit.setText("Work (SSO)")
        dialog.sso_url_edit.setText(START_URL)
        dialog.sso_region_edit.setText("eu-west-1")
        later(500, lambda: (save(dialog, "form"), dialog.sign_in_button.click(), later(1500, code)))

    def code() -> None:
        save(top(SignInDialog), "code")
        later(6000, pickers)

    def pickers() -> None:
        picker = top(AccountRoleDialog)
        picker.account_list.setCurrentRow(0)
        later(1200, lambda: (save(picker, "pickers"), picker.accept(), later(500, connect)))

    def connect() -> None:
        dialog = window.connections.dialog
        profile = replace(dialog.form_profile(), endpoint_url=demo.profile().endpoint_url, path_style=True)
        dialog.close()
        window.connections.connect_profile(profile, None, remember=False)
        later(2500, offer)

    def offer() -> None:
        watch = window.sign_in_watch
        watch._offer_before_the_end(watch.target, watch.until)  # as five minutes before the end
        later(500, lambda: (save(window, "offer"), link()))

    def link() -> None:
        from s3browser.ui.browsing.presign_dialog import PresignDialog

        dialog = PresignDialog(window.ctx, window.ctx.connection, "demo-documents", "README.txt")
        dialog.show()
        dialog.amount_spin.setValue(7)
        dialog.unit_combo.setCurrentText("days")
        dialog.copy_button.click()
        later(1500, lambda: (save(dialog, "link"), dialog.close(), mfa()))

    def mfa() -> None:
        from s3browser.ui.shell.mfa_prompt import MfaCodeDialog

        dialog = MfaCodeDialog(window, "arn:aws:iam::123456789012:mfa/alice", "admin (AWS config)")
        dialog.show()
        dialog.code_edit.setText("1234")
        later(400, lambda: (save(dialog, "mfa"), dialog.close(), role()))

    def role() -> None:
        dialog = window.connections.open_new_connection()
        dialog.type_combo.setCurrentIndex(dialog.type_combo.findData("role"))
        dialog.name_edit.setText("Admin role")
        dialog.role_fields.arn_edit.setText("arn:aws:iam::123456789012:role/team/admin")
        dialog.role_fields.external_id_edit.setText("ext-42")
        dialog.role_fields.duration_spin.setValue(60)
        later(500, lambda: (save(dialog, "role"), dialog.close(), finish()))

    def finish() -> None:
        window.shutdown()
        demo.stop()
        stand_in.close()
        app.quit()

    later(800, form)
    return app.exec()


if __name__ == "__main__":
    paths = [a for a in sys.argv[1:] if a != "--dark"]
    sys.exit(main(paths[0] if paths else "sign-in", dark="--dark" in sys.argv[1:]))
