"""Progress reports: a unit reports on its assignment, with files; the organ that set the task (the city bureau,
or a district bureau for its breakdown) accepts or returns the report."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select, update

from app.core import time as clock
from app.core.audit import record
from app.core.files import DOCX, JPEG, OFD, PDF, PNG, PPTX, XLSX, ZIP, FileRejected, store_upload
from app.extensions import db
from app.tasks.errors import TaskError
from app.tasks.models import (
    Assignment,
    ProgressReport,
    ProgressState,
    ReviewState,
)
from app.tasks.rollup import roll_up, roll_up_parent
from app.tasks.scope import may_manage

REPORT_FILE_KINDS = (PDF, DOCX, XLSX, PPTX, OFD, PNG, JPEG, ZIP)
MAX_FILES_PER_REPORT = 10


@dataclass
class Upload:
    filename: str
    data: bytes


def submit_report(user, assignment: Assignment, text: str, state: str, uploads: list[Upload], max_bytes: int):
    """A unit's report on its assignment, with files, waiting for the bureau's review; commits."""
    if assignment.unit_id != user.unit_id:
        raise TaskError(_("This task is not assigned to your unit."))
    if state not in ProgressState.__members__:
        raise TaskError(_("Choose a progress state."))
    if len(uploads) > MAX_FILES_PER_REPORT:
        raise TaskError(_("At most %(n)d files per report.", n=MAX_FILES_PER_REPORT))
    # Lock the assignment (PostgreSQL; SQLite holds the write lock already): one pending report at a time.
    db.session.scalar(select(Assignment.id).where(Assignment.id == assignment.id).with_for_update())
    waiting = db.session.scalar(
        select(ProgressReport.id).where(
            ProgressReport.assignment_id == assignment.id, ProgressReport.review_state == ReviewState.pending.value
        )
    )
    if waiting is not None:
        raise TaskError(_("Your last report is still awaiting review; it can be followed by another once reviewed."))
    files = []
    for upload in uploads:
        try:
            stored = store_upload(upload.data, allowed=REPORT_FILE_KINDS, max_bytes=max_bytes)
        except FileRejected as exc:
            raise TaskError(_("%(name)s: %(reason)s", name=upload.filename, reason=str(exc))) from exc
        files.append({"sha256": stored.sha256, "filename": upload.filename[:255]})
    report = ProgressReport(
        assignment=assignment,
        text=text,
        state=state,
        files=files,
        author_id=user.id,
        created_at=clock.utcnow(),
        review_state=ReviewState.pending.value,
    )
    db.session.add(report)
    db.session.flush()
    record(user, "task.report", report, task=assignment.task_id, unit=assignment.unit_id, state=state)
    db.session.commit()
    return report


def review_report(actor, report: ProgressReport, decision: str, comment: str) -> ProgressReport:
    """Accept a report (its state becomes the unit's state on the task) or return it with a comment; commits.

    The UPDATE only matches a report still pending: two reviewers at once make one review. A report accepted on a
    district's breakdown brings the district's part of the city task up to date; on a task a district has broken
    down, its schools' progress, not the district's own word, makes the district's state.
    """
    task = report.assignment.task
    if not may_manage(actor, task):
        raise TaskError(_("Reports are reviewed by the staff of the bureau that set the task."))
    if decision not in (ReviewState.accepted, ReviewState.returned):
        raise TaskError(_("Accept the report or return it."))
    if decision == ReviewState.returned and not comment:
        raise TaskError(_("Say why the report is returned."))
    if report.author_id == actor.id:
        raise TaskError(_("A report is reviewed by someone other than its author."))
    if report.review_state != ReviewState.pending:
        raise TaskError(_("This report has already been reviewed."))
    now = clock.utcnow()
    result = db.session.execute(
        update(ProgressReport)
        .where(ProgressReport.id == report.id, ProgressReport.review_state == ReviewState.pending.value)
        .values(review_state=decision, reviewed_by_id=actor.id, reviewed_at=now, review_comment=comment)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        raise TaskError(_("This report has already been reviewed."))
    if decision == ReviewState.accepted:
        db.session.execute(
            update(Assignment)
            .where(Assignment.id == report.assignment_id)
            .values(state=report.state, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        roll_up_parent(task.organ_id, task.parent_id)
        roll_up(task.id, report.assignment.unit_id)
    record(actor, f"task.report.{decision}", report, task=report.assignment.task_id, comment=comment)
    db.session.commit()
    db.session.refresh(report)
    db.session.refresh(report.assignment)
    return report
