"""The demo's tasks as a bureau finds them a while after the notice: most of the 2023 measures done and accepted
in 2023–2024, a few finished late, two still overdue, and some work of the current term still open.

Without this the demo would show every assignment of 乌教发〔2023〕75号 overdue since 2024 and not one report: a
dashboard all red, and nothing to review. INVENTED FOR THE DEMO, like MEASURE_LEADS: the notice reports nothing.

The current work (the 2023 measure 11, extended, and 市一中's five pairs, this term's 结对共建) gets deadlines
counted from the day the demo is first loaded, so that whoever opens it finds them ahead, one of them due within
the week. They are set once, with the rest of the history, and never moved again: the history is written only
where no unit has reported on the notice's tasks yet, so a second `demo load` changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import exists, select
from sqlalchemy.orm import selectinload

from app.auth.models import User
from app.core import time as clock
from app.core.time import CHINA
from app.extensions import db
from app.notices.models import Notice
from app.tasks.models import (
    Assignment,
    Milestone,
    ProgressReport,
    ProgressState,
    ReviewState,
    Task,
    TaskReminder,
)

# The first reports came in once the term had settled; the last of the measures' work by the end of 2024.
FIRST_DAY = date(2023, 11, 1)
SPREAD_DAYS = 410

PROGRESS_TEXTS = (
    "已制定工作方案，明确责任分工和时间节点，正在按计划推进。",
    "已召开专题推进会，完成阶段性任务，下一步重点解决薄弱环节。",
    "已完成调研摸底，形成问题清单，正在逐项整改落实。",
)
DONE_TEXTS = (
    "各项任务已按期完成，工作总结及佐证材料已报送。",
    "已全面完成，形成长效机制，相关制度文件已印发。",
    "已完成目标任务，经自查验收合格，材料已归档备查。",
)
LATE_TEXT = "受项目审批和资金拨付进度影响延期完成，现已全部完成并通过验收。"


@dataclass(frozen=True)
class Step:
    """One report of a unit: what it said, on which day, and how the bureau answered (days later)."""

    state: str
    on: date
    review: str = ReviewState.accepted.value
    comment: str = ""
    text: str = ""
    reviewed_after: int = 2


# Finished after the deadline (2024-12-31): (task code, unit code) → the day the work was reported done.
FINISHED_LATE = {
    ("4", "hainan"): date(2025, 3, 18),
    ("4-2", "finance"): date(2025, 2, 26),
    ("6", "wuda"): date(2025, 1, 22),
    ("8-结对12", "no10_middle"): date(2025, 1, 10),
    ("8-结对12", "wuda_experimental_middle"): date(2025, 1, 13),
}

# Still not done, and overdue: a report returned for more data, and a district reminded (督办) without an answer.
STILL_OPEN = {
    ("7-4", "teaching_research"): [
        Step(ProgressState.in_progress.value, date(2024, 5, 14)),
        Step(
            ProgressState.done.value,
            date(2024, 12, 20),
            review=ReviewState.returned.value,
            comment="请补充各区专职教研员配备情况数据后重新报送。",
        ),
    ],
    ("10", "hainan"): [Step(ProgressState.in_progress.value, date(2024, 9, 12))],
}
REMINDED = {("10", "hainan"): (date(2025, 1, 6), "请海南区教育局加快推进督导评估整改工作，并于1月15日前报送进展情况。")}

# This term's work (days from the day the demo is loaded): its deadline, its milestones, its reports.
MEASURE_11_DUE_IN = 75
PAIRS_DUE_IN = 45  # the end of the term
CURRENT_PAIRS = [f"8-结对{n}" for n in range(1, 6)]  # 市一中 and its five middle schools


def _current_steps(today: date) -> dict[tuple[str, str], list[Step]]:
    def ago(days: int) -> date:
        return today - timedelta(days=days)

    in_progress = ProgressState.in_progress.value
    return {
        ("11", "teaching_research"): [Step(in_progress, ago(20))],
        ("11", "audiovisual_education"): [Step(in_progress, ago(35))],
        ("11", "haibowan"): [Step(in_progress, ago(12))],
        ("11", "wuda"): [Step(in_progress, ago(2), review=ReviewState.pending.value)],
        ("8-结对2", "no1_middle"): [
            Step(in_progress, ago(16), text="已与三中共同制定本学期结对共建计划，确定数学、英语两个共建学科。")
        ],
        ("8-结对2", "no3_middle"): [
            Step(in_progress, ago(14), text="已参加市一中组织的集体备课两次，选派3名青年教师跟岗学习。")
        ],
        ("8-结对3", "no1_middle"): [Step(in_progress, ago(3), review=ReviewState.pending.value)],
        ("8-结对4", "no1_middle"): [Step(in_progress, ago(25))],
        ("8-结对4", "no18_middle"): [Step(in_progress, ago(20))],
    }


def _current_milestones(today: date) -> dict[str, list[tuple[str, date, datetime | None]]]:
    """(title, due, reached at) per task code."""
    return {
        "11": [
            ("完成全市中小学师生基础数据采集", date(2024, 12, 31), _at(date(2024, 12, 20))),
            ("形成首期增值性评价报告", today + timedelta(days=30), None),
        ],
        "8-结对2": [("开展本学期首次联合教研活动", today + timedelta(days=5), None)],
    }


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour, 0), CHINA)


def _finished_steps(index: int, late_on: date | None) -> list[Step]:
    """A report of work under way, then one of the work done: spread over 2023–2024 by the assignment's place."""
    done_on = late_on or FIRST_DAY + timedelta(days=(index * 37) % SPREAD_DAYS)
    started_on = max(done_on - timedelta(days=60 + (index * 11) % 45), date(2023, 9, 4))
    done_text = LATE_TEXT if late_on else DONE_TEXTS[index % len(DONE_TEXTS)]
    return [
        Step(ProgressState.in_progress.value, started_on, text=PROGRESS_TEXTS[index % len(PROGRESS_TEXTS)]),
        Step(ProgressState.done.value, done_on, text=done_text, reviewed_after=1 + index % 4),
    ]


def _write(assignment: Assignment, steps: list[Step], author: User, reviewer: User, index: int) -> None:
    for step in steps:
        reported_at = _at(step.on, 9 + index % 7)
        report = ProgressReport(
            assignment=assignment,
            text=step.text or PROGRESS_TEXTS[index % len(PROGRESS_TEXTS)],
            state=step.state,
            files=[],
            author=author,
            created_at=reported_at,
            review_state=step.review,
        )
        if step.review != ReviewState.pending.value:
            report.reviewed_by = reviewer
            report.reviewed_at = reported_at + timedelta(days=step.reviewed_after, hours=2)
            report.review_comment = step.comment
            if step.review == ReviewState.accepted.value:
                assignment.state = step.state
                assignment.updated_at = report.reviewed_at
        db.session.add(report)


def has_history(notice: Notice) -> bool:
    """Has any unit reported on the notice's tasks (the demo's history, or someone's own use of the demo)?"""
    return bool(
        db.session.scalar(
            select(
                exists()
                .where(ProgressReport.assignment_id == Assignment.id)
                .where(Assignment.task_id == Task.id)
                .where(Task.source_notice_id == notice.id)
            )
        )
    )


def load_progress(notice: Notice, staff: User) -> None:
    """Write the demo's history of the notice's tasks (reports, reviews, a reminder, this term's deadlines), once.

    The caller commits. Left alone where a unit has reported already: loading twice changes nothing.
    """
    if has_history(notice):
        return
    today = clock.today_in_china()
    tasks = {
        t.code: t
        for t in db.session.scalars(
            select(Task)
            .where(Task.source_notice_id == notice.id)
            .options(selectinload(Task.assignments).selectinload(Assignment.unit), selectinload(Task.milestones))
            .order_by(Task.id)
        )
    }
    accounts = {u.username: u for u in db.session.scalars(select(User))}
    _extend_the_current_work(tasks, today)
    current = _current_steps(today)
    reminders = []
    for index, (task, assignment) in enumerate((t, a) for t in tasks.values() for a in t.assignments):
        key = (task.code, assignment.unit.code)
        author = accounts.get(f"clerk_{assignment.unit.code}")  # each unit's demo clerk (loader.load_accounts)
        if author is None:
            continue
        if key in current:
            steps = current[key]
        elif task.code in CURRENT_PAIRS or task.code == "11":
            steps = []  # this term's work that the unit has not reported on yet
        elif key in STILL_OPEN:
            steps = STILL_OPEN[key]
        else:
            steps = _finished_steps(index, FINISHED_LATE.get(key))
        _write(assignment, steps, author, staff, index)
        if key in REMINDED:
            day, message = REMINDED[key]
            reminders.append(TaskReminder(assignment=assignment, sent_by=staff, sent_at=_at(day, 15), message=message))
    db.session.add_all(reminders)
    db.session.flush()


def _extend_the_current_work(tasks: dict[str, Task], today: date) -> None:
    """This term's deadlines and milestones, counted from today."""
    tasks["11"].due_on = today + timedelta(days=MEASURE_11_DUE_IN)
    for code in CURRENT_PAIRS:
        tasks[code].due_on = today + timedelta(days=PAIRS_DUE_IN)
    for code, milestones in _current_milestones(today).items():
        for title, due_on, done_at in milestones:
            tasks[code].milestones.append(Milestone(title=title, due_on=due_on, done_at=done_at))
