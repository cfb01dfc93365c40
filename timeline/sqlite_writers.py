"""The queue SQLite's writers wait in, across threads and across processes.

SQLite lets one transaction write at a time, and a writer that finds the lock taken sleeps
in its busy handler and tries again, up to 100 ms between tries: eight writers left to it
idle long after the lock is free (seconds at the 99th percentile). Here a writer first
queues behind the other threads of its process on a lock that wakes the next one the moment
it is released, then takes an advisory lock on a file beside the database, which the other
processes (gunicorn's workers, `flask import`) take too. The kernel drops a file lock when
its process dies, so a worker killed mid-write never leaves the others locked out.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from pathlib import Path

POLL = 0.0002  # seconds between tries for the file lock while another process holds it
# How long a process that has just had its turn lets the others try first: a little longer
# than they sleep between tries, so that its own next writer, woken at once, does not take
# every turn while theirs sleep.
COURTESY = 2 * POLL


class WriterQueue:
    """One writer at a time for the database at `database` (None: in memory, one process)."""

    def __init__(self, database: str | None, wait: float):
        self.wait = wait
        self.path = Path(f"{database}-writers") if database else None
        self._threads = threading.Lock()
        self._file: int | None = None
        self._file_pid = 0  # the process that opened it: a forked child opens its own
        self._left_at = 0.0  # when this process last ended a turn

    def enter(self) -> bool:
        """Wait at most `wait` seconds for the writer's turn; False when it did not come."""
        deadline = time.monotonic() + self.wait
        if not self._threads.acquire(timeout=self.wait):
            return False
        try:
            if self.path is None or self._take_file_lock(deadline):
                return True
        except BaseException:
            self._threads.release()
            raise
        self._threads.release()
        return False

    def leave(self) -> None:
        """The writer's transaction ended: the next one's turn."""
        if self.path is not None and self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._left_at = time.monotonic()
        self._threads.release()

    def _take_file_lock(self, deadline: float) -> bool:
        # flock has no timeout, so the one thread of each process at the head of its queue
        # tries without blocking, at intervals short beside a write.
        descriptor = self._descriptor()
        if time.monotonic() - self._left_at < COURTESY:
            time.sleep(COURTESY)
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    return False
            time.sleep(POLL)

    def _descriptor(self) -> int:
        """This process's own descriptor: one inherited across a fork shares its lock with the
        parent's, so both would hold it at once."""
        if self._file is None or self._file_pid != os.getpid():
            assert self.path is not None
            self._file = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            self._file_pid = os.getpid()
        return self._file
