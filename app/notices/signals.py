"""What notices tell the features built on them, and what they ask of them.

Notices import nothing of receipts, rosters or tasks: those packages connect to these signals in their
listeners.py, which create_app imports (as Indico's features connect to its signals). A feature taken away takes
its receivers with it; notices keep working, sending to no one.

Signals that ask (may_read_notice, copy_requested, roster_requested, notice_page) collect what their receivers
return; answers() gives those that said something.
"""

from dataclasses import dataclass

from blinker import Namespace
from flask import render_template
from markupsafe import Markup

_signals = Namespace()


@dataclass(frozen=True)
class Panel:
    """A part another feature adds to a notice's page."""

    html: Markup
    first: bool = False  # above the notice (what the reader must do first), else beside it

    @classmethod
    def rendered(cls, template: str, *, first: bool = False, **context) -> "Panel":
        return cls(Markup(render_template(template, **context)), first=first)


notice_issued = _signals.signal(
    "notice-issued",
    doc="""Sent with the notice, inside the issuing transaction: it has its number and the status issued, and
    nothing is committed yet. What a receiver adds to the session commits with the issue or not at all. `distribute`
    says whether the notice goes out now (receipts: one distribution per unit it reaches); a notice imported from an
    old system (notices load) usually does not.""",
)

notice_acknowledged = _signals.signal(
    "notice-acknowledged",
    doc="""Sent by receipts with the notice a unit has just acknowledged (签收), inside the acknowledging
    transaction: `unit_id` the unit, `user_id` who acknowledged, `at` when. What a receiver adds commits with the
    receipt (收文: the notice enters the unit's register).""",
)

may_read_notice = _signals.signal(
    "may-read-notice",
    doc="""Sent with an issued notice and `user` (someone outside the bureau): a receiver returns True when the
    user may read it (receipts: it was sent to the user's unit). Nobody says so: the user may not.""",
)

copy_requested = _signals.signal(
    "copy-requested",
    doc="""Sent with an issued notice distributed in counted copies (份号) and `user`: a receiver returns the number
    of the copy the user's unit holds (receipts: its distribution's copy_number), or None.""",
)

roster_requested = _signals.signal(
    "roster-requested",
    doc="""Sent with the notice for each roster its texts print: `group` is the leading group's name from a line
    {{roster:NAME}}, or None for {{roster}} (the group the notice sets up); `on` is the date it is printed as of.
    A receiver that knows the group returns its lines (a list of app.documents.gongwen.RosterLine).""",
)

notice_page = _signals.signal(
    "notice-page",
    doc="""Sent with the notice and `user` while the notice's page is made: a receiver returns a Panel to show on
    it, or None (receipts: the clerk's 签收 first, the bureau's link to who has acknowledged; tasks: the
    breakdown).""",
)


def answers(signal, sender, **kwargs) -> list:
    """What the receivers of the signal returned, leaving out those that returned None."""
    return [value for _receiver, value in signal.send(sender, **kwargs) if value is not None]
