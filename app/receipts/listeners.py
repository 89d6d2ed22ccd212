"""What receipts do when notices call: distribute an issued notice, say who may read it, show the 签收."""

from flask import request

from app.notices.models import Notice
from app.notices.signals import Panel, may_read_notice, notice_issued, notice_page
from app.receipts import services
from app.receipts.forms import ReceiptForm
from app.receipts.reading import read_by_a_person


@notice_issued.connect
def _distribute(notice: Notice, *, distribute: bool) -> None:
    if distribute:
        services.distribute(notice)


@may_read_notice.connect
def _sent_to_the_readers_unit(notice: Notice, *, user) -> bool:
    return services.sent_to_unit(notice, user.unit_id)


@notice_page.connect
def _receipt(notice: Notice, *, user) -> Panel | None:
    """A clerk's first business with a notice is its receipt; opening it is recorded (the first time), unless the
    browser only fetched the page ahead of time: then the panel records it when shown (app/receipts/reading.py).
    The bureau gets the way to who has acknowledged."""
    if user.is_bureau_user:
        if not notice.is_issued:
            return None
        return Panel.rendered("receipts/_notice_panel.html", notice=notice)
    distribution = services.distribution_for(user, notice)
    if distribution is None:
        return None
    if read_by_a_person(request.headers):
        services.record_opening(user, distribution)
    form = ReceiptForm(formdata=None)
    return Panel.rendered("receipts/_receipt.html", first=True, distribution=distribution, receipt_form=form)
