"""Where a message's bytes wait while DATA arrives: in memory while small, in a file past a threshold.

aiosmtpd keeps every DATA line as its own bytearray in a list and joins them at the end: a 25 MB
message cost about three times its size, and twenty at once took 1.6 GB that the allocator
never gave back. Here a large message waits on disk, and is read back into memory once, whole,
only when it is stored.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import tempfile
from pathlib import Path
from typing import BinaryIO

log = logging.getLogger("baton.smtp")

THRESHOLD = 1024 * 1024  # bytes kept in memory before the message moves to a file
_FLUSH = 256 * 1024  # past the threshold, written to the file in pieces of about this size


class Spool:
    def __init__(self, directory: Path | None = None, threshold: int = THRESHOLD) -> None:
        self._dir = directory
        self._threshold = threshold
        self._buf = bytearray()
        self._file: BinaryIO | None = None
        self.size = 0

    def write(self, data: bytes | bytearray | memoryview) -> None:
        """Appends; raises OSError when the file cannot be written (a full disk)."""
        self._buf += data
        self.size += len(data)
        if len(self._buf) >= (_FLUSH if self._file is not None else self._threshold):
            self._flush()

    def _flush(self) -> None:
        if self._file is None:
            # Unnamed where the OS allows it (O_TMPFILE), created 0600, gone when closed.
            self._file = tempfile.TemporaryFile(dir=self._dir, buffering=0)
        with memoryview(self._buf) as view:
            done = 0
            while done < len(view):
                written = self._file.write(view[done:])
                if not written:
                    raise OSError("the spool file took no bytes")
                done += written
        self._buf.clear()

    @property
    def in_memory(self) -> int:
        """Bytes held in memory now: below the threshold, or a piece waiting to be written."""
        return len(self._buf)

    def getvalue(self) -> bytes:
        """The whole message as one bytes object: the only whole copy in memory."""
        if self._file is None:
            value = bytes(self._buf)
            self._buf = bytearray()
            return value
        self._flush()
        value = os.pread(self._file.fileno(), self.size, 0)
        if len(value) != self.size:  # a regular file reads whole; anything else is a fault
            raise OSError(f"spool read {len(value)} of {self.size} bytes")
        return value

    def close(self) -> None:
        self._buf = bytearray()
        if self._file is not None:
            self._file.close()
            self._file = None


_M_MMAP_THRESHOLD = -3  # glibc's malloc.h


def give_large_blocks_back() -> None:
    """Makes glibc map every block of THRESHOLD bytes or more on its own, so that it goes back to
    the OS when freed. By default glibc raises that bar to the size of each large block it frees
    (up to 32 MiB), after which 25 MB messages came from the heap, which it seldom shrinks: after
    twenty of them the listener kept its peak for good. Elsewhere than glibc, nothing changes."""
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name)
        if not libc.mallopt(_M_MMAP_THRESHOLD, THRESHOLD):
            log.warning("mallopt(M_MMAP_THRESHOLD) refused; large messages may keep memory after they are stored")
    except (OSError, AttributeError):  # not glibc (musl, macOS): their allocators decide alone
        pass
