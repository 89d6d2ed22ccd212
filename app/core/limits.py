"""Bounds on slow work done for a request (a PDF conversion takes a second or more): a few at once on the machine,
one at a time per person, and an immediate "busy" answer beyond that instead of a queue of waiting requests.

The slots are file locks (flock) in LOCKS_DIR (instance/locks), so that every process of the app on this machine shares
them, and a process that dies frees its slots with it. Several machines (PostgreSQL and Redis) each bound their own
work.
"""

from __future__ import annotations

import fcntl
import os
from contextlib import ExitStack, contextmanager
from pathlib import Path

from flask import current_app

# Conversions at once on this machine: LibreOffice converts one document at a time anyway; a second slot lets a
# short conversion pass a long one's wait for the server.
OVERALL_SLOTS = 2


class Busy(Exception):
    """The work is not started: the machine or this person has as much under way as is allowed."""

    def __init__(self, *, mine: bool):
        super().__init__("busy")
        self.mine = mine  # this person's own earlier request is still being served


def _folder() -> Path:
    folder = Path(current_app.config.get("LOCKS_DIR") or Path(current_app.instance_path) / "locks")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _try_lock(stack: ExitStack, path: Path) -> bool:
    handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(handle)
        return False
    stack.callback(os.close, handle)  # closing releases the lock
    return True


@contextmanager
def bounded(work: str, *, person: int | str | None):
    """Run the block if a slot for `work` is free on this machine and `person` has none of it under way; else raise
    Busy at once."""
    folder = _folder()
    slots = current_app.config.get("CONVERSION_SLOTS") or OVERALL_SLOTS
    with ExitStack() as stack:
        if person is not None and not _try_lock(stack, folder / f"{work}-person-{person}.lock"):
            raise Busy(mine=True)
        if not any(_try_lock(stack, folder / f"{work}-{slot}.lock") for slot in range(slots)):
            raise Busy(mine=False)
        yield
