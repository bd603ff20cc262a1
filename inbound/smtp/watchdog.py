"""Notices a listener that has stopped taking connections while clients wait in the kernel's queue.

uvloop (libuv) closes its listening handle without a word on an accept error it does not retry
(anything but EAGAIN, ECONNABORTED and EMFILE/ENFILE, which libuv's reserve descriptor absorbs),
and a blocked event loop takes no connection either: the process would live on, deaf, while
senders queue their mail. A thread of its own looks at the listening socket every `every`
seconds (Linux's TCP_INFO gives a listening socket's queue length); waiting connections and none
taken for `strikes` looks in a row mean the listener is deaf. It says so and ends the process,
for its supervisor to start again: nothing acknowledged is lost (a 250 follows the commit), and
the senders of the sessions cut off retry.
"""
from __future__ import annotations

import logging
import os
import socket
import struct
import sys
import threading
from collections.abc import Callable
from typing import Any

log = logging.getLogger("baton.smtp")

_TCP_LISTEN = 10  # tcpi_state of a listening socket (include/net/tcp_states.h)
# struct tcp_info: eight one-byte fields, then u32 rto, ato, snd_mss, rcv_mss, unacked; for a
# listening socket `unacked` is the accept queue's length.
_QUEUE = struct.Struct("=B7xIIIII")


def queue_length(sock: Any) -> int | None:
    """Connections waiting to be accepted on listening `sock`; None when it is no longer listening
    (closed, or its descriptor now something else) or where TCP_INFO is not available."""
    if not hasattr(socket, "TCP_INFO"):
        return None
    try:
        info = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, _QUEUE.size)
    except OSError:
        return None
    if len(info) < _QUEUE.size:
        return None
    state, _rto, _ato, _snd_mss, _rcv_mss, waiting = _QUEUE.unpack(info)
    return waiting if state == _TCP_LISTEN else None


def _exit(message: str) -> None:
    log.critical(message)
    for handler in logging.getLogger().handlers:
        handler.flush()
    os._exit(1)  # the event loop may be the thing that is stuck: no graceful stop can be relied on


class Watchdog:
    def __init__(self, sock: Any, taken: Callable[[], int], serving: Callable[[], bool], *, every: float = 10.0,
                 strikes: int = 3, on_deaf: Callable[[str], None] = _exit) -> None:
        self.sock, self.taken, self.serving = sock, taken, serving
        self.every, self.strikes, self.on_deaf = every, strikes, on_deaf
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="baton-smtp-watchdog", daemon=True)

    def start(self) -> Watchdog:
        if hasattr(socket, "TCP_INFO") and sys.platform.startswith("linux"):
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        last, strikes = self.taken(), 0
        while not self._stop.wait(self.every):
            if not self.serving():
                return  # closed on purpose (a stop)
            waiting, taken = queue_length(self.sock), self.taken()
            if waiting is None:
                if self._stop.is_set() or not self.serving():
                    return  # closed between the two looks
                self.on_deaf("the SMTP listener's socket is no longer listening; exiting so that Baton is "
                             "started again")
                return
            strikes = strikes + 1 if waiting and taken == last else 0
            last = taken
            if strikes >= self.strikes:
                self.on_deaf(f"the SMTP listener has taken no connection for {self.every * strikes:.0f} s while "
                             f"{waiting} waited; exiting so that Baton is started again")
                return
