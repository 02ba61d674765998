"""No exception goes only to an unseen stderr: every one reaches the log, and the user gets one sentence.

Installed once by the app (:func:`install`):

* ``sys.excepthook``: exceptions in slots and callbacks (PySide6 hands them to it);
* ``threading.excepthook``: exceptions that end a Python thread;
* a Qt message handler: Qt's own warnings go to the log instead of stderr;
* ``faulthandler``: a hard crash (segfault, abort) writes every thread's stack to ``crash.log``.

The sentence never carries raw exception text (that is for the log): it says that something went
wrong, that it was recorded, and where.
"""

from __future__ import annotations

import faulthandler
import logging
import sys
import threading
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from PySide6.QtCore import QObject, QtMsgType, Signal, qInstallMessageHandler

log = logging.getLogger("s3browser.crash")
_QT_LEVELS = {QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
              QtMsgType.QtWarningMsg: logging.WARNING, QtMsgType.QtCriticalMsg: logging.ERROR,
              QtMsgType.QtFatalMsg: logging.CRITICAL}


class CrashReporter(QObject):
    """Routes unhandled exceptions to the log and ``problem`` (a sentence, always on the GUI thread)."""

    problem = Signal(str)

    def __init__(self, log_path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.log_path = log_path
        self._previous: tuple[Any, Any, Any] | None = None
        self._fault_file: IO[str] | None = None

    def sentence(self) -> str:
        return (f"Something went wrong inside s3browser; it was recorded in the log ({self.log_path}). What you "
                "were doing may not have finished; everything else keeps working.")

    # ---------------------------------------------------------------- hooks
    def on_exception(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            return
        log.error("unhandled exception", exc_info=(exc_type, exc, tb))
        self.problem.emit(self.sentence())  # queued to the GUI thread when raised elsewhere

    def on_thread_exception(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit or args.exc_value is None:
            return
        name = args.thread.name if args.thread is not None else "?"
        log.error("unhandled exception in thread %s", name,
                  exc_info=(args.exc_type, args.exc_value, args.exc_traceback))
        self.problem.emit(self.sentence())

    @staticmethod
    def on_qt_message(kind: QtMsgType, context: Any, message: str) -> None:
        log.log(_QT_LEVELS.get(kind, logging.WARNING), "Qt: %s", message)

    # ---------------------------------------------------------------- install / uninstall
    def install(self) -> None:
        self._previous = (sys.excepthook, threading.excepthook, qInstallMessageHandler(self.on_qt_message))
        sys.excepthook = self.on_exception
        threading.excepthook = self.on_thread_exception
        crash_log = self.log_path.with_name("crash.log")
        try:
            self._fault_file = open(crash_log, "a", encoding="utf-8")  # noqa: SIM115 - open while the app runs
            faulthandler.enable(self._fault_file, all_threads=True)
        except OSError as exc:
            log.warning("cannot write %s: %s", crash_log, exc.strerror)

    def uninstall(self) -> None:
        if self._previous is None:
            return
        sys.excepthook, threading.excepthook, qt_handler = self._previous
        qInstallMessageHandler(qt_handler)
        self._previous = None
        if self._fault_file is not None:
            faulthandler.disable()
            self._fault_file.close()
            self._fault_file = None
