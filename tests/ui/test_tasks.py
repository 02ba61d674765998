"""The task runner: results on the GUI thread, cancellation drops late results, shutdown drains."""

from __future__ import annotations

import threading
import time

from PySide6.QtCore import QThread


def test_results_arrive_on_the_gui_thread(qtbot, runner) -> None:
    seen = {}
    gui_thread = QThread.currentThread()

    def work() -> int:
        seen["worker_thread"] = threading.get_ident()
        return 42

    def on_result(value: int) -> None:
        seen["value"] = value
        seen["on_gui"] = QThread.currentThread() is gui_thread

    runner.run("answer", work, on_result=on_result)
    qtbot.waitUntil(lambda: "value" in seen)
    assert seen == {"worker_thread": seen["worker_thread"], "value": 42, "on_gui": True}
    assert seen["worker_thread"] != threading.get_ident()
    qtbot.waitUntil(lambda: runner.active_count == 0)


def test_cancelled_pages_are_dropped_and_the_generator_stops(qtbot, runner) -> None:
    delivered: list[int] = []
    produced: list[int] = []
    release = threading.Event()

    def pages(should_stop):
        for i in range(100):
            if should_stop():
                return
            produced.append(i)
            yield i
            if i == 0:
                release.wait(5)

    task = runner.run_pages("pages", pages, on_page=delivered.append)
    qtbot.waitUntil(lambda: delivered == [0])
    task.cancel()
    release.set()
    qtbot.waitUntil(lambda: runner.active_count == 0)
    qtbot.wait(50)
    assert delivered == [0]
    assert len(produced) <= 2


def test_errors_come_back_as_data(qtbot, runner) -> None:
    errors = []
    runner.run("boom", lambda: 1 / 0, on_error=errors.append)
    qtbot.waitUntil(lambda: bool(errors))
    assert isinstance(errors[0], ZeroDivisionError)


def test_shutdown_cancels_and_drains_every_pool(qtbot, runner) -> None:
    finished = []

    def slow_pages(should_stop):
        try:
            for i in range(1000):
                if should_stop():
                    return
                time.sleep(0.01)
                yield i
        finally:
            finished.append("stopped")

    for _ in range(3):
        runner.run_pages("slow", slow_pages)
    runner.run("quick", time.sleep, 0.05)
    qtbot.wait(50)
    assert runner.shutdown(timeout_ms=5000)
    assert finished == ["stopped"] * 3
    late = runner.run("after shutdown", lambda: 1)
    assert late.cancelled
