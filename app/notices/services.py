"""Notices: drafting, the workflow, numbering, issue."""
from sqlalchemy import select

from app.extensions import db
from app.notices.models import DocumentSeries, SerialCounter
from app.units.models import Unit, UnitGroup

LIST_SEPARATOR = "、"
ADDRESSEE_END = "："  # full-width colon closes the addressee line


def addressee_line(picks: list) -> str:
    """The addressees as the document prints them: 各区教育局、直属各学校（单位）、局机关各科室："""
    names = []
    for pick in picks or []:
        if "group" in pick:
            group = db.session.get(UnitGroup, pick["group"])
            if group is not None:
                names.append(group.name)
        elif "unit" in pick:
            unit = db.session.get(Unit, pick["unit"])
            if unit is not None:
                names.append(unit.name)
    return LIST_SEPARATOR.join(names) + ADDRESSEE_END if names else ""


def set_next_serial(series: DocumentSeries, year: int, next_serial: int) -> SerialCounter:
    """Continue a series from paper numbering: the next issued notice of the year gets next_serial."""
    if next_serial < 1:
        raise ValueError("serials start at 1")
    counter = db.session.get(SerialCounter, (series.id, year))
    if counter is None:
        counter = SerialCounter(series_id=series.id, year=year, next_serial=next_serial)
        db.session.add(counter)
    else:
        counter.next_serial = next_serial
    return counter


def find_series(organ_code: str) -> DocumentSeries | None:
    return db.session.scalar(select(DocumentSeries).where(DocumentSeries.organ_code == organ_code))
