"""What 收文 does when other features call: a notice acknowledged by a unit enters the unit's register."""

from app.incoming.services import register_received
from app.notices.models import Notice
from app.notices.signals import notice_acknowledged


@notice_acknowledged.connect
def _register_at_receipt(notice: Notice, *, unit_id: int, user_id: int, at) -> None:
    register_received(notice, holder_id=unit_id, actor_id=user_id, received_at=at)
