"""SQLite's writers take turns across processes: a writer waits for another process's turn to
end, gives up after its wait, and is never locked out by a process that died mid-write."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

from timeline.sqlite_writers import WriterQueue


def test_a_writer_waits_for_another_processs_turn_and_goes_as_soon_as_it_ends(tmp_path):
    database = str(tmp_path / "site.sqlite3")
    # Two queues on one file stand for two processes: each holds its own descriptor.
    first, second = WriterQueue(database, 5), WriterQueue(database, 5)
    assert first.enter()
    took: list[float] = []
    waiter = threading.Thread(target=lambda: took.append(second.enter() and time.monotonic()))
    waiter.start()
    time.sleep(0.2)
    assert not took  # still waiting
    released = time.monotonic()
    first.leave()
    waiter.join(timeout=5)
    assert took and took[0] - released < 0.05
    second.leave()


def test_a_writer_gives_up_after_its_wait(tmp_path):
    database = str(tmp_path / "site.sqlite3")
    holder, waiter = WriterQueue(database, 5), WriterQueue(database, 0.3)
    assert holder.enter()
    started = time.monotonic()
    assert not waiter.enter()
    assert 0.25 < time.monotonic() - started < 2
    holder.leave()
    assert waiter.enter()  # and its own process's queue was left free
    waiter.leave()


def test_a_process_killed_in_its_turn_leaves_the_queue_free(tmp_path):
    database = str(tmp_path / "site.sqlite3")
    script = (
        "import sys, time\nfrom timeline.sqlite_writers import WriterQueue\n"
        f"assert WriterQueue({database!r}, 5).enter()\nprint('in', flush=True)\ntime.sleep(60)\n"
    )
    with subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True
    ) as child:
        try:
            assert child.stdout.readline().strip() == "in"
            queue = WriterQueue(database, 0.3)
            assert not queue.enter()  # the child holds the turn
            child.kill()
            child.wait(timeout=10)
            assert queue.enter()
            queue.leave()
        finally:
            child.kill()
