"""What tasks do when notices call: show the way to the tasks made from an issued notice."""

from app.notices.models import Notice
from app.notices.signals import Panel, notice_page


@notice_page.connect
def _breakdown(notice: Notice, *, user) -> Panel | None:
    if not (notice.is_issued and user.is_bureau_user):
        return None
    return Panel.rendered("tasks/_notice_panel.html", notice=notice)
