"""A day's work through the pages: each person finds what waits for them in their own 待办, with its count in the
top bar, and the notice goes secretary → 核稿 (returned once) → 会签 by two sections → 签发 → 印发; a notice asking for
a reply of its own fields is acknowledged with it, sent afterwards (补发) to a school its addressees left out, and
exported with a column per field."""

import re

import openpyxl

from tests.helpers.browser import expect

TITLE = "乌海市教育局关于开展2026年冬季校园消防安全专项检查的通知"
BODY = "\n".join(
    [
        "为切实做好冬季校园消防安全工作，现将有关事项通知如下。",
        "一、检查范围",
        "全市各级各类学校。",
        "二、工作要求",
        "各单位要于12月20日前完成自查，并将自查情况报送局基础教育科。",
    ]
)
RETURN_COMMENT = "请在工作要求中写明报送方式。"
SECTIONS = ("组织人事科", "计划财务科")
SECTION_CLERKS = ("clerk_personnel", "clerk_finance")


def take_step(page, action: str, comment: str = "") -> None:
    form = page.locator(f"form.step-form[action$='/steps/{action}']")
    if comment:
        form.locator("textarea[name=comment]").fill(comment)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


def top_bar_count(page) -> int:
    counter = page.locator("#todo-count")
    expect(counter.locator(".count")).to_be_visible()  # filled in by its first htmx request
    return int(counter.locator(".count").inner_text())


def todo_item(page, group: str, title: str = TITLE):
    """The notice's line in one group of the person's 待办 (home page), checked to be there."""
    page.goto("/")
    item = page.locator(f"#todo-{group} li", has=page.get_by_role("link", name=title, exact=True))
    expect(item).to_have_count(1)
    return item


def home_total(page) -> int:
    """The groups' counts on the home page add up to the count in the top bar."""
    counts = [int(c) for c in page.locator(".todo-group h3 .count").all_inner_texts()]
    assert top_bar_count(page) == sum(counts)
    return sum(counts)


def open_from_todo(page, group: str) -> None:
    with page.expect_navigation():
        todo_item(page, group).get_by_role("link", name=TITLE, exact=True).click()
    expect(page.locator("h1")).to_contain_text(TITLE)


def test_a_notice_goes_round_the_bureau_through_each_persons_todo(open_as, shot):
    secretary = open_as("secretary")
    secretary.goto("/notices/new")
    secretary.fill("textarea[name=title]", TITLE)
    secretary.get_by_label("直属各学校（单位）", exact=True).first.check()
    secretary.fill("textarea[name=body]", BODY)
    with secretary.expect_navigation():
        secretary.click("button[value=save]")
    notice_id = re.search(r"/notices/(\d+)/edit$", secretary.url).group(1)
    secretary.goto(f"/notices/{notice_id}")
    take_step(secretary, "submitted", "请审核。")

    # 核稿: the reviewer finds it at home and returns it once.
    reviewer = open_as("reviewer")
    before = home_total(reviewer)
    assert before >= 1
    shot(reviewer, "reviewer-home")
    open_from_todo(reviewer, "notices-review")
    take_step(reviewer, "returned", RETURN_COMMENT)
    reviewer.goto("/")
    assert home_total(reviewer) == before - 1

    # The secretary sees it as 退回, with the comment, in the 待办 and in the list.
    returned = todo_item(secretary, "notices-returned")
    expect(returned).to_contain_text(RETURN_COMMENT)
    expect(returned.locator(".badge")).to_have_text("已退回")
    shot(secretary, "secretary-home-returned")
    secretary.goto("/notices")
    row = secretary.locator("tr", has=secretary.get_by_role("link", name=TITLE, exact=True))
    expect(row.locator(".status-returned")).to_have_text("已退回")
    secretary.goto(f"/notices/{notice_id}/edit")
    secretary.fill("textarea[name=body]", BODY + "\n请以电子版形式报送。")
    with secretary.expect_navigation():
        secretary.click("button[value=save]")
    secretary.goto(f"/notices/{notice_id}")
    take_step(secretary, "submitted", "已按意见修改。")

    open_from_todo(reviewer, "notices-review")
    take_step(reviewer, "approved", "同意。")

    # 会签: two sections asked at once; 签发 waits for both.
    secretary.goto(f"/notices/{notice_id}")
    for section in SECTIONS:
        secretary.get_by_label(section, exact=False).select_option(index=1)
    with secretary.expect_navigation():
        secretary.click("#countersign form[action$='/countersign'] button[type=submit]")
    expect(secretary.locator("#countersign .countersign-open")).to_have_count(2)

    signer = open_as("signer")
    signer.goto("/")
    expect(signer.locator("#todo-notices-sign").get_by_role("link", name=TITLE, exact=True)).to_have_count(0)

    for number, clerk_name in enumerate(SECTION_CLERKS):
        clerk = open_as(clerk_name)
        counted = home_total(clerk)
        assert counted >= 1
        shot(clerk, "section-home")
        open_from_todo(clerk, "notices-countersign")
        clerk.fill("#countersign-comment", "无意见。" if number == 0 else "同意，经费从安全专项列支。")
        with clerk.expect_navigation():
            clerk.click("#countersign button[value=agree]")
        clerk.goto("/")
        assert home_total(clerk) == counted - 1

    # 签发, then 印发: each finds it at home.
    open_from_todo(signer, "notices-sign")
    shot(signer, "signer-notice")
    expect(signer.locator("#countersign .countersign-agreed")).to_have_count(2)
    take_step(signer, "signed", "同意印发。")

    open_from_todo(secretary, "notices-issue")
    take_step(secretary, "issued")
    expect(secretary.locator(".flash-success")).to_contain_text("乌教发〔")
    history = secretary.locator("ol.history")
    for section in SECTIONS:
        expect(history).to_contain_text(section)
    expect(history).to_contain_text(RETURN_COMMENT)
    shot(secretary, "secretary-issued")


REPLY_TITLE = "乌海市教育局关于报送2026年寒假校外培训治理工作联络员的通知"
REPLY_BODY = "请各单位确定一名联络员，于12月15日前随签收回执报送参会人数和联系电话。"


def test_a_notice_with_its_own_reply_fields_is_acknowledged_sent_to_a_unit_left_out_and_exported(
    open_as, shot, tmp_path
):
    # The secretary asks for two fields of their own: a number and a phone.
    secretary = open_as("secretary")
    secretary.goto("/notices/new")
    secretary.fill("textarea[name=title]", REPLY_TITLE)
    secretary.get_by_label("直属各学校（单位）", exact=True).first.check()
    secretary.fill("textarea[name=body]", REPLY_BODY)
    for n, (label, kind) in enumerate([("参会人数", "number"), ("联系电话", "phone")]):
        secretary.click("button[value=add_reply_field]")
        expect(secretary.locator(f"[name='reply_fields-{n}-label']")).to_be_visible()
        secretary.fill(f"[name='reply_fields-{n}-label']", label)
        secretary.select_option(f"[name='reply_fields-{n}-type']", kind)
        secretary.check(f"[name='reply_fields-{n}-required']")
    with secretary.expect_navigation():
        secretary.click("button[value=save]")
    notice_id = re.search(r"/notices/(\d+)/edit$", secretary.url).group(1)
    secretary.goto(f"/notices/{notice_id}")
    take_step(secretary, "submitted")
    reviewer = open_as("reviewer")
    reviewer.goto(f"/notices/{notice_id}")
    take_step(reviewer, "approved")
    signer = open_as("signer")
    signer.goto(f"/notices/{notice_id}")
    take_step(signer, "signed")
    secretary.goto(f"/notices/{notice_id}")
    take_step(secretary, "issued")

    # A school's clerk finds it in the 待办, is told what a field wants, and acknowledges with the reply.
    clerk = open_as("clerk_no1_middle")
    waiting = home_total(clerk)
    item = todo_item(clerk, "receipts-unacknowledged", REPLY_TITLE)
    with clerk.expect_navigation():
        item.get_by_role("link", name=REPLY_TITLE, exact=True).click()
    receipt = clerk.locator("#receipt")
    receipt.get_by_label("参会人数").fill("2")
    receipt.get_by_label("联系电话").fill("3987")  # too short for a phone number
    receipt.get_by_role("button", name="签收").click()
    expect(receipt.locator(".reply-phone .errors")).to_be_visible()
    expect(receipt.get_by_label("参会人数")).to_have_value("2")  # nothing typed is lost
    receipt.get_by_label("联系电话").fill("0473-3987656")
    receipt.get_by_role("button", name="签收").click()
    expect(clerk.locator("#receipt .acknowledged")).to_be_visible()
    # The top bar counts one less at once, without a reload.
    expect(clerk.locator("#todo-count .count")).to_have_text(str(waiting - 1))
    shot(clerk, "clerk-acknowledged-with-reply")

    # 补发: 三中 (under 海勃湾区) was not reached; the secretary finds it by name and sends it the notice.
    secretary.goto(f"/notices/{notice_id}/receipts")
    secretary.fill("#supplement-filter", "三中")
    choice = secretary.locator("#supplement-choices").get_by_label("乌海市第三中学", exact=True)
    expect(choice).to_be_visible()
    choice.check()
    with secretary.expect_navigation():
        secretary.click("#supplement-form button[value=send]")
    expect(secretary.locator(".flash-success")).to_be_visible()
    row = secretary.locator("tr", has_text="乌海市第三中学")
    expect(row).to_have_count(1)
    shot(secretary, "receipts-after-supplement")
    secretary.goto(f"/notices/{notice_id}")
    expect(secretary.locator("ol.history")).to_contain_text("乌海市第三中学")
    newcomer = open_as("clerk_no3_middle")
    todo_item(newcomer, "receipts-unacknowledged", REPLY_TITLE)

    # The export has a column per field, with the school's answer under each.
    secretary.goto(f"/notices/{notice_id}/receipts")
    with secretary.expect_download() as download:
        secretary.click(f"a[href$='/notices/{notice_id}/receipts.xlsx']")
    path = tmp_path / "receipts.xlsx"
    download.value.save_as(path)
    sheet = openpyxl.load_workbook(path).active
    rows = [[c for c in r] for r in sheet.iter_rows(values_only=True)]
    header = next(r for r in rows if "参会人数" in r)
    school = next(r for r in rows if "乌海市第一中学" in r)
    assert school[header.index("参会人数")] == 2 and school[header.index("联系电话")] == "0473-3987656"
