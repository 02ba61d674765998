"""Messages to and from the transfer workers go in batches when they come faster than the socket
takes them, in order, and nothing waiting is lost when the sender closes."""

from __future__ import annotations

import threading
from multiprocessing import Pipe

from s3browser.core.transfers.pipe_batches import MOST_PER_BATCH, BatchingSender, unbatched


def _receive_all(end, count: int) -> tuple[list[tuple], int]:  # noqa: ANN001
    messages: list[tuple] = []
    receives = 0
    while len(messages) < count:
        assert end.poll(10), "the messages stopped coming"
        messages.extend(unbatched(end.recv()))
        receives += 1
    return messages, receives


def test_a_lone_message_goes_as_itself() -> None:
    ours, theirs = Pipe()
    sender = BatchingSender(ours, "test-sender")
    sender.send(("ready",))
    assert theirs.poll(10)
    assert theirs.recv() == ("ready",)
    sender.close(5)


def test_messages_sent_faster_than_taken_arrive_in_order_in_fewer_batches() -> None:
    ours, theirs = Pipe()
    blocked = threading.Event()
    sender = BatchingSender(ours, "test-sender")
    real_send = ours.send

    def slow_first_send(message: tuple) -> None:  # the socket is full while the rest are handed over
        blocked.wait(10)
        real_send(message)

    ours.send = slow_first_send  # type: ignore[method-assign]
    count = 3 * MOST_PER_BATCH
    for n in range(count):
        sender.send(("done", n))
    blocked.set()
    messages, receives = _receive_all(theirs, count)
    assert messages == [("done", n) for n in range(count)]
    assert receives <= 5, f"{receives} sends for {count} messages"
    sender.close(5)


def test_closing_sends_what_waits_then_ends_the_thread() -> None:
    ours, theirs = Pipe()
    sender = BatchingSender(ours, "test-sender")
    for n in range(1000):
        sender.send(("log", n))
    sender.send(("stopped",))
    sender.close(5)
    assert not sender._thread.is_alive()
    messages, _ = _receive_all(theirs, 1001)
    assert messages[-1] == ("stopped",) and len(messages) == 1001


def test_a_broken_pipe_is_told_once_and_later_sends_do_not_raise() -> None:
    ours, theirs = Pipe()
    theirs.close()
    broken: list[bool] = []
    sender = BatchingSender(ours, "test-sender", on_broken=lambda: broken.append(True))
    for n in range(10):
        sender.send(("done", n))
    sender.close(5)
    assert broken == [True]
    assert sender.broken


def test_what_comes_while_the_sender_gathers_goes_in_the_same_batch(monkeypatch) -> None:
    """Woken by a message, the sender waits a moment before taking what waits: small files came a
    message or two per wake-up, each a thread switch on both ends."""
    from s3browser.core.transfers import pipe_batches

    gathering, go_on = threading.Event(), threading.Event()
    real_sleep = pipe_batches.time.sleep

    def held_sleep(seconds: float) -> None:  # the time module's own: other threads sleep as ever
        if threading.current_thread().name != "test-gathering-sender":
            real_sleep(seconds)
            return
        assert seconds == pipe_batches.GATHER_SECONDS
        gathering.set()
        go_on.wait(10)

    monkeypatch.setattr(pipe_batches.time, "sleep", held_sleep)
    ours, theirs = Pipe()
    sender = BatchingSender(ours, "test-gathering-sender")
    sender.send(("done", 0))
    assert gathering.wait(10)
    for n in range(1, 10):
        sender.send(("done", n))
    go_on.set()
    assert theirs.poll(10)
    assert theirs.recv() == ("batch", [("done", n) for n in range(10)])
    sender.close(5)


def test_messages_sent_after_closing_are_dropped_not_kept() -> None:
    """A listing's last acknowledgement can come after the worker was stopped: nothing takes it, so
    it is not kept either (the list grew for as long as the window ran)."""
    ours, theirs = Pipe()
    sender = BatchingSender(ours, "test-sender")
    sender.send(("done", 1))
    sender.close(5)
    for n in range(100):
        sender.send(("list_ack", n))
    assert sender._waiting == []
    assert theirs.poll(10) and theirs.recv() == ("done", 1)
    assert not theirs.poll(0.2)
