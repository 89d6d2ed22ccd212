"""The top bar's 待办 count follows an action even when the action ends while the counter's own refresh is still on
its way (a slow server: the page's first count arrives after the clerk has already acknowledged)."""

import re

from tests.helpers.browser import expect

TITLE = "乌海市教育局关于推进中小学智慧校园建设的通知"  # the demo leaves 十中 one notice to acknowledge
CLERK = "clerk_no10_middle"  # no other browser test acts as this clerk


def test_an_acknowledgement_during_a_slow_count_still_lowers_the_count(open_as, shot):
    clerk = open_as(CLERK)
    clerk.goto("/")
    before = int(clerk.locator("#todo-count .count").inner_text())
    stale = clerk.request.get("/todo/count", headers={"HX-Request": "true"}).text()
    assert f'<span class="count">{before}</span>' in stale

    # The next page's first count is held back (the slow server) and answered, late, with the count of before.
    held = []

    def hold_the_first(route):
        if held:
            route.continue_()
        else:
            held.append(route)

    clerk.goto("/inbox")
    clerk.route(re.compile(r"/todo/count$"), hold_the_first)
    with clerk.expect_navigation():
        clerk.get_by_role("link", name=TITLE, exact=True).click()
    clerk.locator("#receipt").get_by_role("button", name="签收").click()
    expect(clerk.locator("#receipt .acknowledged")).to_be_visible()
    assert len(held) == 1, "the page's first count was not asked for"
    held[0].fulfill(status=200, content_type="text/html; charset=utf-8", body=stale)
    # The refresh the acknowledgement asked for waited behind the held one and still runs.
    expect(clerk.locator("#todo-count .count")).to_have_text(str(before - 1))
    shot(clerk, "count-after-a-late-answer")
