"""Each person's 待办 and 已办: what waits for them and what they did lately, gathered from the features.

The home page knows no feature. It sends `todo_requested` and `done_requested` with the person; notices, receipts
and tasks answer from their listeners.py with what concerns that person (a returned draft, a notice to acknowledge,
a report to review). A receiver runs a fixed number of queries whatever the amount of data: the home page is
opened by everyone, many times a day, and its query count must not grow with the bureau.

The top bar shows the total of the groups' counts; each action that changes someone's 待办 sends the htmx event
TODO_CHANGED (HX-Trigger), on which the counter refreshes itself, besides polling now and then.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from blinker import Namespace

_signals = Namespace()

# The HX-Trigger event after which the 待办 counter and the home page's lists refresh themselves.
TODO_CHANGED = "todo-changed"


@dataclass(frozen=True)
class TodoItem:
    """One thing waiting: what it is, where it is done, and what the person should know at a glance."""

    title: str
    url: str
    detail: str = ""  # the return comment, the deadline, who asked
    at: datetime | None = None  # since when it waits, or when it is due (see `due`)
    due: datetime | None = None
    is_overdue: bool = False
    badge: str = ""  # a short state word shown beside the title (退回, 催办)


@dataclass(frozen=True)
class TodoGroup:
    """Things of one kind waiting for the person ("drafts awaiting my 核稿"), newest or most urgent first.

    `count` is how many there are; `items` the first few of them (as many as the request's `limit`).
    """

    key: str  # stable, for tests and anchors: "notices.review"
    title: str
    count: int
    items: list[TodoItem] = field(default_factory=list)
    more_url: str = ""  # the page listing them all, when there may be more than shown
    order: int = 50  # the home page shows groups by order, then by title


@dataclass(frozen=True)
class DoneItem:
    """Something the person did lately (已办): what, on what, when."""

    action: str
    title: str
    url: str
    at: datetime


todo_requested = _signals.signal(
    "todo-requested",
    doc="""Sent with the user and `limit` (how many items of each group to load; 0: counts only, for the top
    bar). A receiver returns a list of TodoGroup (groups with a count of 0 may be left out or returned empty).""",
)

done_requested = _signals.signal(
    "done-requested",
    doc="""Sent with the user and `limit`: a receiver returns a list of at most `limit` DoneItem, newest first;
    the home page merges them by time.""",
)


def todo_groups(user, *, limit: int) -> list[TodoGroup]:
    """Every feature's groups for this person that have something in them, in the home page's order."""
    groups = [group for _receiver, answer in todo_requested.send(user, limit=limit) for group in (answer or [])]
    return sorted((g for g in groups if g.count), key=lambda g: (g.order, g.title))


def todo_count(user) -> int:
    return sum(group.count for group in todo_groups(user, limit=0))


def done_items(user, *, limit: int) -> list[DoneItem]:
    items = [item for _receiver, answer in done_requested.send(user, limit=limit) for item in (answer or [])]
    return sorted(items, key=lambda item: item.at, reverse=True)[:limit]
