"""A Python thread state kept on the C threads that call into Python (awscrt's event loops).

A thread Python did not start gets a fresh thread state each time it calls in, and loses it when
the call returns: with thousands of small PUTs a second that was a 16 KiB stack chunk mapped and
unmapped per callback (each unmap a TLB shootdown across the cores) and about a tenth of the
transfer worker's CPU.  Taking one more ``PyGILState_Ensure`` (public C API) on such a thread,
never released, keeps its state for the thread's life; the GIL is still released after each
callback as before.  awscrt calls nothing in Python once the interpreter is finalizing.
"""

from __future__ import annotations

import threading

# Per thread state, not per thread id: ids are reused once a thread ends, and a fresh state (one
# that was not kept) has no such mark, so it is kept then.
_mark = threading.local()


def keep_thread_state() -> None:
    """Keep this thread's Python thread state after the current callback returns (once per state).

    A C thread that ends leaves its kept state behind (a few KiB, until the interpreter ends):
    awscrt's threads live as long as their transport."""
    if getattr(_mark, "kept", False):
        return
    _mark.kept = True
    try:
        import ctypes

        ctypes.pythonapi.PyGILState_Ensure()  # the GIL is held here already: this only counts one more user
    except (ImportError, AttributeError, OSError):
        pass  # no ctypes here: each callback makes its thread state again, as before
