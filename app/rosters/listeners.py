"""What rosters do when notices call: give the lines of a roster that a notice prints."""

from datetime import date

from sqlalchemy import select

from app.documents.gongwen import RosterLine
from app.extensions import db
from app.notices.models import Notice
from app.notices.signals import roster_requested
from app.rosters.models import LeadingGroup
from app.rosters.services import find_group, roster_lines


@roster_requested.connect
def _roster(notice: Notice, *, group: str | None, on: date) -> list[RosterLine] | None:
    """{{roster:NAME}}: the group of that name, of the notice's own organ (a district's notice cannot print the
    city's roster, nor bring it into a preview); {{roster}}: the group the notice itself sets up."""
    if group is None:
        if notice.id is None:
            return None  # a new draft's preview: no group is set up by it yet
        found = db.session.scalar(select(LeadingGroup).where(LeadingGroup.established_by_id == notice.id))
    else:
        found = find_group(group, organ_id=notice.organ_id)
    return roster_lines(found, on) if found is not None else None
