"""A small least-recently-used map for what a process keeps between requests."""

from __future__ import annotations

import threading
from collections import OrderedDict


class RecentlyUsed:
    """A small map that forgets its least recently used entries beyond `size`, safe to share
    between a process's threads: for what a view computes from keys that name every input."""

    def __init__(self, size: int):
        self.size = size
        self._entries: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key, value) -> None:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
