"""A notice from draft to receipt, through the pages, each person in a browser of their own."""

import re

from tests.helpers.browser import ACTION_TIMEOUT_MS, REFRESH_SECONDS, expect

TITLE = "乌海市教育局关于做好秋季学期开学安全检查工作的通知"
BODY = "\n".join(
    [
        "为切实做好秋季学期开学安全工作，现将有关事项通知如下。",
        "一、全面开展安全隐患排查",
        "各单位要对校舍、消防、食堂等开展一次全面排查，建立问题清单，限期整改。",
        "二、按时报送检查情况",
        "请于开学后一周内将检查情况报送局办公室。",
    ]
)
DOCUMENT_TITLE = "秋季学期开学安全检查工作要点"
DOCUMENT_BODY = "一、检查范围\n全市各级各类学校。\n二、检查内容\n校舍安全、消防安全、食品安全。"
# 市一中's clerk: the school is reached through the group 直属各学校（单位）.
CLERK = "clerk_no1_middle"
# The receipt view polls every REFRESH_SECONDS; give it two rounds and some (and no less than Playwright's default).
LIVE_UPDATE_TIMEOUT_MS = max(ACTION_TIMEOUT_MS, 2_500 * REFRESH_SECONDS)


def take_step(page, action: str, comment: str = "") -> None:
    """Press a workflow button (submitted, approved, returned, signed, issued) on the notice page."""
    form = page.locator(f"form.step-form[action$='/steps/{action}']")
    if comment:
        form.locator("textarea[name=comment]").fill(comment)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


def expect_status(page, status: str) -> None:
    expect(page.locator(f".badge.status-{status}").first).to_be_visible()


def test_notice_lifecycle_from_draft_to_live_receipt(open_as, shot):
    # The secretary drafts.
    secretary = open_as("secretary")
    secretary.goto("/notices/new")
    secretary.fill("textarea[name=title]", TITLE)
    for group in ("各区教育局", "直属各学校（单位）"):
        secretary.get_by_label(group, exact=True).first.check()
    secretary.fill("textarea[name=body]", BODY)
    secretary.click("button[value=add_document]")  # htmx swaps the editor with one more document in it
    secretary.fill("textarea[name='documents-0-title']", DOCUMENT_TITLE)
    secretary.fill("textarea[name='documents-0-body']", DOCUMENT_BODY)
    shot(secretary, "secretary-drafts")
    with secretary.expect_navigation():
        secretary.click("button[value=save]")
    notice_id = re.search(r"/notices/(\d+)/edit$", secretary.url).group(1)
    notice_url = f"/notices/{notice_id}"

    secretary.goto(notice_url)
    expect_status(secretary, "draft")
    take_step(secretary, "submitted", "请审核。")
    expect_status(secretary, "in_review")
    shot(secretary, "secretary-submitted")

    # The reviewer approves, the signer signs off.
    reviewer = open_as("reviewer")
    reviewer.goto(notice_url)
    expect(reviewer.locator(".notice-title").first).to_have_text(TITLE)
    take_step(reviewer, "approved", "同意。")
    expect_status(reviewer, "approved")
    shot(reviewer, "reviewer-approved")

    signer = open_as("signer")
    signer.goto(notice_url)
    take_step(signer, "signed", "同意印发。")
    expect_status(signer, "signed")
    shot(signer, "signer-signed")

    # The secretary issues and leaves the receipt view open.
    secretary.goto(notice_url)
    take_step(secretary, "issued")
    expect_status(secretary, "issued")
    expect(secretary.locator(".flash-success")).to_contain_text("乌教发〔")
    shot(secretary, "secretary-issued")

    with secretary.expect_navigation():
        secretary.click(f"a[href$='/notices/{notice_id}/receipts']")
    acknowledged = secretary.locator("#count-acknowledged")
    expect(acknowledged).to_have_text("0")
    expect(secretary.locator("#count-sent")).not_to_have_text("0")
    # Proof that the page is never reloaded: a reload or navigation would lose this mark and fire the listener.
    secretary.evaluate("window.__leftOpen = true")
    navigations = []
    secretary.on("framenavigated", lambda frame: navigations.append(frame.url) if frame.parent_frame is None else None)
    shot(secretary, "receipts-before")

    # A school clerk finds the notice in the inbox, opens it and acknowledges.
    clerk = open_as(CLERK, viewport={"width": 390, "height": 844})  # a phone, as many clerks use
    expect(clerk).to_have_url(re.compile(r"/$"))  # everyone lands on their 待办
    clerk.goto("/inbox")
    shot(clerk, "clerk-inbox")
    with clerk.expect_navigation():
        clerk.get_by_role("link", name=TITLE, exact=True).click()
    expect(clerk.locator(".acknowledged")).to_have_count(0)
    clerk.click("#receipt button[type=submit]")
    expect(clerk.locator("#receipt .acknowledged")).to_be_visible()
    shot(clerk, "clerk-acknowledged")

    # The secretary's open page counts it on its next poll.
    expect(acknowledged).to_have_text("1", timeout=LIVE_UPDATE_TIMEOUT_MS)
    assert secretary.evaluate("window.__leftOpen") is True
    assert navigations == []
    shot(secretary, "receipts-after")
