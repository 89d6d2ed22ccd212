"""The 办理单 (收文处理笺) of an entry: its particulars and its handling as the document library prints them."""

from __future__ import annotations

from app.core.dates import cn_date
from app.core.time import CHINA
from app.documents.processing_slip import ProcessingSlip, SlipLine, render_processing_slip
from app.extensions import db
from app.incoming.models import IncomingDocument
from app.units.models import Unit


def _line(step, who: str | None = None, extra: str = "") -> SlipLine:
    return SlipLine(
        text=step.text,
        who=who or step.actor.display_name,
        at=step.created_at.astimezone(CHINA).date(),
        extra=extra,
    )


def slip_of(entry: IncomingDocument) -> ProcessingSlip:
    """Each step in its row, in order: 拟办 (with its suggested section and deadline), 批办, each 承办 with what its
    section reported, 办结."""
    holder = db.session.get(Unit, entry.holder_id)
    reports = {s.answers_id: s for s in entry.steps if s.action == "reported"}
    handling = []
    for step in entry.steps:
        if step.action != "assigned":
            continue
        report = reports.get(step.id)
        deadline = cn_date(step.due_on) if step.due_on else ""
        unit = step.unit.name if step.unit else ""
        if report is not None:
            handling.append(_line(report, who=f"{unit} {report.actor.display_name}".strip(), extra=deadline))
        else:
            handling.append(SlipLine(text="", who=unit, at=None, extra=deadline))
    closing = next((s for s in entry.steps if s.action == "closed"), None)
    return ProcessingSlip(
        organ_name=holder.name,
        number=entry.number,
        sender=entry.sender,
        sender_number=entry.sender_number,
        received_on=entry.received_on,
        urgency=entry.urgency,
        title=entry.title,
        proposals=[_proposal(s) for s in entry.steps if s.action == "proposed"],
        instructions=[_line(s) for s in entry.steps if s.action == "instructed"],
        handling=handling,
        readings=[
            SlipLine(
                text=r.comment or ("已阅" if r.read_at else "未阅"),
                who=r.reader.display_name,
                at=r.read_at.astimezone(CHINA).date() if r.read_at else None,
            )
            for r in entry.readings
        ],
        closing=_line(closing) if closing else None,
    )


def _proposal(step) -> SlipLine:
    suggested = "，".join(
        part
        for part in (
            f"建议{step.unit.name}承办" if step.unit else "",
            f"{cn_date(step.due_on)}前办结" if step.due_on else "",
        )
        if part
    )
    text = step.text + (f"（{suggested}）" if suggested else "")
    return SlipLine(text=text, who=step.actor.display_name, at=step.created_at.astimezone(CHINA).date())


def slip_docx(entry: IncomingDocument) -> bytes:
    return render_processing_slip(slip_of(entry))
