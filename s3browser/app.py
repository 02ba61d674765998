"""Command line, QApplication and main window; the ``s3browser`` entry point."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Sequence

from s3browser.core.base.version import __version__

log = logging.getLogger("s3browser.app")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="s3browser",
        description="A desktop file browser for Amazon S3 and S3-compatible stores "
                    "(MinIO, Ceph, SeaweedFS, Cloudflare R2, Backblaze B2, Wasabi).",
        epilog="s3browser sync LOCAL s3://BUCKET/PREFIX --mode MODE ...: sync a folder from the command line "
               "(s3browser sync --help).")
    parser.add_argument("--demo", action="store_true",
                        help="start a built-in S3 endpoint on 127.0.0.1 with sample data and connect to it")
    parser.add_argument("--profile", metavar="NAME",
                        help="connect with this saved profile (or aws:NAME for an AWS config profile)")
    parser.add_argument("--endpoint-url", metavar="URL",
                        help="S3 endpoint to use (with --profile: overrides its endpoint; alone: credentials "
                             "come from the environment / AWS config)")
    parser.add_argument("--resume-transfers", action="store_true",
                        help="resume the transfers the last session left unfinished without asking")
    desktop = parser.add_mutually_exclusive_group()
    desktop.add_argument("--install-desktop-entry", action="store_true",
                         help="add s3browser to the desktop's application menu (an XDG .desktop file and icon "
                              "under ~/.local/share) and exit")
    desktop.add_argument("--uninstall-desktop-entry", action="store_true",
                         help="remove the menu entry and icon that --install-desktop-entry wrote, and exit")
    parser.add_argument("--version", action="version", version=f"s3browser {__version__}")
    return parser


_QUIT_REQUESTED = threading.Event()


def _catch_quit_signals() -> None:
    """Ctrl+C and SIGTERM (a desktop session logging out) only record a quit request.

    A Python signal handler runs between two bytecodes of whatever the main thread was doing, which
    may be holding a lock (starting a transfer worker, say); running the shutdown there waited on
    that very lock for ever.  Installed first thing, so a signal during start-up is kept too.
    """
    def request_quit(*_args: object) -> None:
        _QUIT_REQUESTED.set()  # nothing else: no Qt call, no lock

    signal.signal(signal.SIGINT, request_quit)
    signal.signal(signal.SIGTERM, request_quit)


def _install_signal_handlers(app, on_quit_request) -> None:  # noqa: ANN001
    """A timer in the event loop acts on a recorded quit request from a clean stack (and gives
    Python the chance to run signal handlers at all while Qt waits for events)."""
    from PySide6.QtCore import QTimer

    def poll() -> None:
        if _QUIT_REQUESTED.is_set():
            _QUIT_REQUESTED.clear()
            on_quit_request()

    timer = QTimer(app)
    timer.setInterval(100)
    timer.timeout.connect(poll)
    timer.start()


def freeze_startup_objects() -> None:
    """Take everything created at start-up out of the garbage collector's reach.

    Full collections then scan only newer objects; on a 100k-object listing this removed the
    50-60 ms event-loop pauses caused by collections walking every Qt wrapper and module.
    """
    from s3browser.core.base.gc_freeze import freeze_survivors

    freeze_survivors()


def _desktop_entry(install: bool) -> int:
    """--install-desktop-entry / --uninstall-desktop-entry: say what was written or removed."""
    from s3browser.core.local.desktop_entry import install_desktop_entry, uninstall_desktop_entry

    try:
        if install:
            files = install_desktop_entry()
            print(f"Added s3browser to the application menu:\n  {files.entry}\n  {files.icon}")
        else:
            removed = uninstall_desktop_entry()
            print("Removed:\n" + "\n".join(f"  {path}" for path in removed) if removed
                  else "Nothing to remove: no menu entry written by s3browser was found.")
    except OSError as exc:
        print(f"s3browser: could not {'write' if install else 'remove'} the menu entry: "
              f"{exc.strerror or exc} ({exc.filename})", file=sys.stderr)
        return 1
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["sync"]:
        from s3browser.sync_command import main as sync_main

        return sync_main(arguments[1:])
    args = build_parser().parse_args(arguments)
    if args.install_desktop_entry or args.uninstall_desktop_entry:
        return _desktop_entry(install=args.install_desktop_entry)
    _catch_quit_signals()

    from PySide6.QtCore import QCoreApplication, QTimer
    from PySide6.QtWidgets import QApplication

    from s3browser.core.settings.logs import setup_logging
    from s3browser.core.settings.profiles import Profile, ProfileStore, command_line_profile
    from s3browser.core.settings.secrets import SecretStore
    from s3browser.ui.main_window import MainWindow
    from s3browser.ui.shell import icons

    log_path = setup_logging()
    QCoreApplication.setOrganizationName("s3browser")
    QCoreApplication.setApplicationName("s3browser")
    QCoreApplication.setApplicationVersion(__version__)
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setWindowIcon(icons.app_icon())
    app.setDesktopFileName("s3browser")
    window_box: list = []

    def quit_requested_by_system() -> None:
        if window_box:
            window_box[0].ctx.quit_without_asking = True  # a logout does not wait for an answer
        app.quit()

    _install_signal_handlers(app, quit_requested_by_system)
    from s3browser.ui.shell.crash import CrashReporter

    reporter = CrashReporter(log_path, app)
    reporter.install()
    log.info("s3browser %s starting; log at %s", __version__, log_path)

    store = ProfileStore(SecretStore())

    def warm_up_keyring() -> None:  # finding the backend may ask the Secret Service: not on this thread
        store.secrets.warm_up()
        if store.secrets.refusal:
            log.warning("keyring refused: %s", store.secrets.refusal)

    threading.Thread(target=warm_up_keyring, name="s3b-keyring", daemon=True).start()

    demo = None
    profile: Profile | None = None
    if args.demo:
        from s3browser.core.demo import start_demo_endpoint

        demo = start_demo_endpoint()  # before the window, so it opens on the demo, not the welcome
    elif args.profile or args.endpoint_url:
        try:
            profile = command_line_profile(store, args.profile, args.endpoint_url)
        except ValueError as exc:
            print(f"s3browser: {exc}", file=sys.stderr)
            return 2

    window = MainWindow(store)
    reporter.problem.connect(window.ctx.show_error)
    window.ctx.resume_without_asking = args.resume_transfers
    window_box.append(window)
    app.aboutToQuit.connect(window.shutdown)  # which stops the demo endpoint too
    window.shown.connect(lambda: log.info("main window shown"))
    if os.environ.get("S3BROWSER_STARTUP_PROBE"):
        # Benchmark B6: report when the window is first shown, then quit.
        window.shown.connect(lambda: print(f"shown-at {time.time():.6f}", flush=True))
        window.shown.connect(lambda: QTimer.singleShot(0, app.quit))
    window.show()
    freeze_startup_objects()
    from s3browser.ui.browsing.drag_out import clean_old_staging

    threading.Thread(target=clean_old_staging, name="s3b-clean-staging", daemon=True).start()

    if demo is not None:
        window.connections.use_demo(demo)
    elif profile is not None:
        chosen = profile  # its secret (a profile of the app's) comes from the keyring on a worker
        stored = store.get(args.profile) or store.get("aws:" + args.profile) if args.profile else None
        window.ctx.runner.run("read the keyring", lambda: store.secrets_for(stored) if stored else None,
                              on_result=lambda found: window.connections.connect_profile(chosen, found),
                              on_error=window.ctx.report)
    else:
        from s3browser.ui.shell.settings import LAST_PROFILE

        last = LAST_PROFILE.get()
        last_profile = store.get(last) if last else None
        if last_profile is not None:
            # Its secret comes from the keyring on a worker; the window shows meanwhile.
            window.ctx.runner.run("read the keyring", store.secrets_for, last_profile,
                                  on_result=lambda found: window.connections.connect_profile(last_profile, found),
                                  on_error=window.ctx.report)
        elif store.profiles():
            QTimer.singleShot(0, window.connections.open_connect_dialog)
        # else: no profile at all, and the window shows its first-run screen

    code = app.exec()
    log.info("s3browser quit with code %d", code)
    reporter.uninstall()
    if not window.ctx.runner.drained:
        # A worker is still stuck in a network call: Qt would wait for it while tearing down its
        # thread pools.  Everything is saved and the log flushed, so leave now.
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
