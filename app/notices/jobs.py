"""The notices' background work (app/core/jobs.py): an issued notice's PDF and its Mongolian version's, made by a
worker once the issue has committed, so that issuing returns at once and nobody's download waits for LibreOffice."""

from __future__ import annotations

from flask import current_app

from app.core import jobs
from app.core.access import Role, permission
from app.core.audit import record
from app.extensions import db
from app.notices.documents import mongolian_version, mongolian_version_pdf, notice_pdf
from app.notices.models import Notice

FILES = "notices.files"


def subject_of(notice: Notice) -> str:
    return f"notice:{notice.id}"


def ask_for_files(notice: Notice) -> None:
    """In the caller's transaction (the issue, an issued notice's new translation): the job that makes the files,
    sent to a worker at commit. PDF_ON_ISSUE off (the tests, a server without LibreOffice), nothing is asked."""
    if current_app.config["PDF_ON_ISSUE"]:
        jobs.enqueue(FILES, subject_of(notice), notice.id)


def files_job(notice: Notice) -> jobs.Job | None:
    """The newest job making the notice's files: its page says "being prepared" while it is open, or why it failed."""
    return jobs.latest(FILES, subject_of(notice))


@permission("notices.retry_files")
def may_retry_files(user, notice: Notice) -> bool:
    """The issuing office (and the administrator) ask again for files a worker failed to make."""
    return notice.is_issued and user.has_role(Role.secretary, Role.admin)


def retry_files(actor, notice: Notice) -> jobs.Job | None:
    """Ask again for the files of a notice whose job failed; commits. None when nothing had failed (made since, or
    being made: a second press, a colleague's)."""
    failed = files_job(notice)
    if failed is None or not failed.is_failed:
        return None
    jobs.retry(failed)
    record(actor, "notice.files_retry", notice, job=failed.id, error=failed.error)
    db.session.commit()
    return failed


@jobs.job(FILES)
def make_files(notice_id: int) -> None:
    """The issued notice's PDF and, when it has one, its frozen Mongolian version's PDF; each is made once and
    stored, so running this again (a retry, a message delivered twice) makes nothing twice."""
    notice = db.session.get(Notice, notice_id)
    if notice is None or not notice.is_issued:
        return  # deleted, or a job asked for in a transaction that has been undone since
    notice_pdf(notice)
    translation = mongolian_version(notice)
    if translation is not None and translation.is_frozen:
        mongolian_version_pdf(notice, translation)
