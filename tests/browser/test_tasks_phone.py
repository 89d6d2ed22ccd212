"""The task pages as people open them: a school's clerk on a phone, the bureau's staff in the Mongolian interface.

Measured in Chromium, since only a browser lays the page out: a clerk's task list on a 390 px phone scrolls
sideways neither as a page nor inside its table; the Mongolian dashboard draws its charts as columns whose labels,
written downwards, neither run into each other nor into the bars, and the page stays a few screens wide (a horizontal
chart turned with the page had printed every label over the others and made it 19 512 px wide).
"""

import re

from tests.helpers.browser import expect

# As tests/browser/test_mongolian_interface.py opens the Mongolian interface: a browser that asks for Mongolian.
MONGOLIAN_BROWSER = {"locale": "mn", "extra_http_headers": {"Accept-Language": "mn"}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
WIDTHS = """() => ({
    page: document.documentElement.scrollWidth,
    table: [...document.querySelectorAll("#my-tasks .table-wrap, #my-tasks .tabs")]
        .map(e => e.scrollWidth - e.clientWidth),
    rows: document.querySelectorAll("#my-tasks tr[id^=assignment-]").length,
})"""
# Each chart's labels, bars and percentages as boxes (left, top, right, bottom), per chart.
CHART_BOXES = """() => [...document.querySelectorAll("figure.chart svg")].map(svg => {
    const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
    return {
        id: svg.closest("figure").id,
        box: box(svg),
        width: svg.getBoundingClientRect().width,
        bars: [...svg.querySelectorAll("g.bar")].map(g => ({
            label: box(g.querySelector("text.label")), track: box(g.querySelector("rect.track")),
        })),
    };
})"""


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_a_clerks_task_list_fits_a_phone(open_as, shot):
    # 市一中 has the longest list of the demo's schools (measure 8 and five pairs); 海勃湾区 every measure.
    for clerk in ("clerk_no1_middle", "clerk_haibowan"):
        page = open_as(clerk, **PHONE)
        for show in ("", "open", "due_soon"):
            page.goto(f"/tasks?show={show}" if show else "/tasks")
            expect(page.locator("#my-tasks")).to_be_visible()
            widths = page.evaluate(WIDTHS)
            assert widths["page"] <= 390, (clerk, show, widths)
            assert widths["table"] == [0, 0], (clerk, show, widths)  # nothing scrolls inside the list either
        page.goto("/tasks")
        assert page.evaluate(WIDTHS)["rows"] >= 6
        # Each task a card: the number and title on top, then each cell under its column's name.
        first = page.locator("#my-tasks tr[id^=assignment-]").first
        assert first.locator("td[data-label]").count() == 4
        assert first.locator("td.title").bounding_box()["width"] > 200
        shot(page, clerk)


def test_the_mongolian_dashboard_draws_columns_whose_labels_stand_apart(open_as, shot):
    staff = open_as("staff", **MONGOLIAN_BROWSER)
    staff.goto("/tasks/dashboard")
    assert staff.evaluate("document.documentElement.lang") == "mn-Mong-CN"
    assert staff.evaluate("getComputedStyle(document.querySelector('main')).writingMode") == "vertical-lr"
    charts = staff.evaluate(CHART_BOXES)
    assert {c["id"] for c in charts} >= {"chart-districts", "chart-units"}
    assert any(re.fullmatch(r"chart-measures-\d+", c["id"]) for c in charts)
    for chart in charts:
        bars = chart["bars"]
        assert bars, chart["id"]
        labels = [b["label"] for b in bars]
        for i, label in enumerate(labels):
            assert label[2] > label[0] and label[3] > label[1], (chart["id"], i, label)
            assert not any(_overlap(label, other) for other in labels[i + 1 :]), (chart["id"], i, labels)
            # Written downwards, ending above its own bar, inside the chart.
            track = bars[i]["track"]
            assert chart["box"][1] <= label[1] and label[3] <= track[1] + 1, (chart["id"], i, label, track)
        # A column per row: the chart grows by its rows, not by a page width per row.
        assert chart["width"] <= 26 * len(bars) + 120, chart
    width = staff.evaluate("document.documentElement.scrollWidth")
    assert width < 4000, width  # 2 974 px for the demo when measured; 19 512 before the charts turned
    shot(staff, "dashboard")
