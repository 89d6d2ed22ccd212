"""Turn the seed data into rows. Every step is get-or-create: loading twice changes nothing."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, time, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from app.auth.models import User, hash_password
from app.core.access import Role
from app.core.settings import DEFAULT_ORGAN_NAME_MN
from app.core.time import CHINA
from app.demo import seed_data as seed
from app.demo.districts import DISTRICTS
from app.demo.forwards import load_forwards
from app.demo.in_hand import load_drafts, register_receipts, settle_receipts
from app.demo.pairings import assign_lead_units, tasks_from_pairings
from app.demo.progress import load_progress
from app.extensions import db
from app.notices.documents import freeze_docx, freeze_translation
from app.notices.jobs import ask_for_files
from app.notices.loading import load_notices
from app.notices.models import (
    DocumentSeries,
    Notice,
    NoticeDocument,
    NoticeEvent,
    NoticeStatus,
    NoticeTranslation,
)
from app.notices.services import set_next_serial
from app.receipts.services import distribute
from app.rosters.models import LeadingGroup, Membership
from app.tasks.models import Assignment, Pairing, Task, pairing_schools
from app.units.addressees import Addressees
from app.units.models import Organ, Unit, UnitGroup
from app.units.organs import forget_organs

DEFAULT_PASSWORD = "wuhai-demo"

# The bureau's own accounts: (username, display name, unit code, roles).
BUREAU_ACCOUNTS = [
    ("admin", "系统管理员", "office", [Role.admin]),
    ("secretary", "李秘书", "office", [Role.secretary]),
    ("reviewer", "王主任", "office", [Role.reviewer]),
    ("signer", "董跃飞", "bureau", [Role.signer]),
    ("staff", "赵科员", "basic_education", [Role.staff]),
    ("translator", "巴特尔", "office", [Role.translator]),
]


def item_title(item: str) -> str:
    """A short title for a sub-item: its first sentence without the 一是 marker, or its first clause."""
    text = re.sub(r"^[一二三四五六七八九十]+是", "", item)
    sentence = text.split("。", 1)[0]
    if len(sentence) > 40:
        sentence = sentence.split("，", 1)[0]
    return sentence


class Loader:
    def __init__(self, password: str):
        # One hash for every demo account: scrypt is slow on purpose, and these are demo logins.
        self.password_hash = hash_password(password)
        self.units: dict[str, Unit] = {}
        self.city: Organ | None = None

    # Units and groups

    def unit(self, spec: dict, order: int) -> Unit:
        unit = db.session.scalar(select(Unit).where(Unit.code == spec["code"]))
        if unit is None:
            parent = self.units.get(spec.get("parent")) if spec.get("parent") else None
            unit = Unit(
                code=spec["code"],
                name=spec["name"],
                short_name=spec.get("short_name"),
                kind=spec["kind"],
                school_level=spec.get("level"),
                parent=parent,
                sort_order=order,
            )
            if spec["code"] == seed.BUREAU["code"]:
                unit.name_mn = DEFAULT_ORGAN_NAME_MN
            db.session.add(unit)
            db.session.flush()
        self.units[unit.code] = unit
        return unit

    def load_units(self) -> None:
        specs = [seed.BUREAU, *seed.SECTIONS, *seed.DISTRICT_BUREAUS, *seed.SCHOOLS, *seed.DIRECT_UNITS]
        for order, spec in enumerate(specs, start=1):
            self.unit(spec, order * 10)
        self.city = self.organ(self.units[seed.BUREAU["code"]], name_mn=DEFAULT_ORGAN_NAME_MN)
        for district in DISTRICTS:
            # Their Mongolian names are unconfirmed (name_mn_confirmed False): app/demo/districts.py says why.
            self.organ(self.units[district.code], name_mn=district.name_mn, superior=self.city)

    def organ(self, unit: Unit, *, name_mn: str = "", superior: Organ | None = None) -> Organ:
        organ = db.session.get(Organ, unit.id)
        if organ is None:
            organ = Organ(unit_id=unit.id, name_mn=name_mn, superior_id=superior.unit_id if superior else None)
            db.session.add(organ)
            db.session.flush()
            forget_organs()
        return organ

    def load_groups(self) -> dict[str, UnitGroup]:
        groups = {}
        for order, spec in enumerate(seed.GROUPS, start=1):
            group = db.session.scalar(select(UnitGroup).where(UnitGroup.name == spec["name"]))
            if group is None:
                rule = spec["rule"]
                parent = self.units[rule["parent"]] if rule.get("parent") else None
                group = UnitGroup(
                    name=spec["name"],
                    sort_order=order * 10,
                    rule_kinds=list(rule["kinds"]),
                    rule_parent=parent,
                    organ_id=self.city.unit_id,
                )
                db.session.add(group)
                db.session.flush()
            groups[group.name] = group
        for district in DISTRICTS:  # each district bureau sends to the schools it runs
            group = db.session.scalar(select(UnitGroup).where(UnitGroup.name == district.group))
            if group is None:
                unit = self.units[district.code]
                group = UnitGroup(
                    name=district.group, sort_order=10, rule_kinds=["school"], rule_parent=unit, organ_id=unit.id
                )
                db.session.add(group)
                db.session.flush()
            groups[group.name] = group
        return groups

    # Accounts

    def account(self, username: str, display_name: str, unit: Unit, roles) -> User:
        user = db.session.scalar(select(User).where(User.username == username))
        if user is None:
            user = User(username=username, display_name=display_name, unit=unit, password_hash=self.password_hash)
            user.set_roles(roles)
            db.session.add(user)
            db.session.flush()
        return user

    def load_accounts(self) -> dict[str, User]:
        users = {}
        for username, display_name, unit_code, roles in BUREAU_ACCOUNTS:
            users[username] = self.account(username, display_name, self.units[unit_code], roles)
        for unit in self.units.values():
            if unit.kind in ("school", "district_bureau", "direct_unit", "section"):
                self.account(f"clerk_{unit.code}", f"{unit.display_name}收文员", unit, [Role.clerk])
        for district in DISTRICTS:
            for role, display_name in district.staff.items():
                users[district.username(role)] = self.account(
                    district.username(role), display_name, self.units[district.code], [role]
                )
        return users

    # The notice

    def load_series(self) -> DocumentSeries:
        organ_code = seed.NOTICE["series"]
        series = db.session.scalar(select(DocumentSeries).where(DocumentSeries.organ_code == organ_code))
        if series is None:
            series = DocumentSeries(
                organ_code=organ_code,
                name="乌海市教育局发文",
                unit=self.units["bureau"],
                header_mark="乌海市教育局文件",
            )
            db.session.add(series)
            db.session.flush()
        # The bureau's other series: 函 to other organs (信函格式) and the minutes of its meetings (纪要格式).
        for code, name, mark in (
            ("乌教函", "乌海市教育局函", "乌海市教育局"),
            ("乌教纪", "乌海市教育局会议纪要", "乌海市教育局会议纪要"),
        ):
            if db.session.scalar(select(DocumentSeries.id).where(DocumentSeries.organ_code == code)) is None:
                db.session.add(DocumentSeries(organ_code=code, name=name, unit=self.units["bureau"], header_mark=mark))
        for district in DISTRICTS:
            if db.session.scalar(select(DocumentSeries.id).where(DocumentSeries.organ_code == district.series)) is None:
                unit = self.units[district.code]
                db.session.add(
                    DocumentSeries(
                        organ_code=district.series, name=f"{unit.name}发文", unit=unit, header_mark=district.mark
                    )
                )
        db.session.flush()
        return series

    def load_notice(self, groups: dict[str, UnitGroup], users: dict[str, User]) -> Notice:
        spec = seed.NOTICE
        series = self.load_series()
        notice = db.session.scalar(
            select(Notice).where(
                Notice.series_id == series.id, Notice.year == spec["year"], Notice.serial == spec["serial"]
            )
        )
        if notice is not None:
            return notice
        addressees = Addressees.of(groups[name].id for name in spec["addressee_groups"])
        signed_on = date.fromisoformat(spec["signed_on"])
        notice = Notice(
            series=series,
            year=spec["year"],
            serial=spec["serial"],
            kind=spec["kind"],
            title=spec["title"],
            addressees=addressees,
            addressee_text=addressees.line(),
            cc=Addressees(),
            cc_text=spec["cc"],
            body=spec["cover_text"],
            signature_organ=spec["signature_organ"],
            signed_on=signed_on,
            note=spec["note"],
            imprint_organ=spec["imprint_organ"],
            imprinted_on=date.fromisoformat(spec["imprinted_on"]),
            author=users["secretary"],
            status=NoticeStatus.issued.value,
        )
        notice.documents = [
            NoticeDocument(position=i, title=d["title"], body=d["body"]) for i, d in enumerate(spec["documents"])
        ]
        # The history a real notice has: drafted, returned once at review and edited, approved, signed, issued.
        start = datetime.combine(signed_on - timedelta(days=4), time(9, 0), CHINA)
        steps = [
            ("secretary", "drafted", "", 0),
            ("secretary", "submitted", "", 1),
            ("reviewer", "returned", "请核对文号引用格式，并补充领导小组成员职务。", 26),
            ("secretary", "edited", "", 47),
            ("secretary", "submitted", "已修改。", 48),
            ("reviewer", "approved", "", 50),
            ("signer", "signed", "同意印发。", 72),
            ("secretary", "issued", "", 96),
        ]
        notice.created_at = start
        notice.events = [
            NoticeEvent(actor=users[who], action=action, comment=comment, created_at=start + timedelta(hours=hours))
            for who, action, comment, hours in steps
        ]
        notice.issued_at = start + timedelta(hours=96)
        db.session.add(notice)
        db.session.flush()
        counter_next = spec["serial"] + 1
        set_next_serial(series, spec["year"], counter_next)
        distribute(notice)
        return notice

    # The leading group, pairings and measures

    def load_mongolian_version(self, notice: Notice, users: dict[str, User]) -> None:
        if any(t.language == "mn" for t in notice.translations):
            return
        spec = seed.NOTICE_MN
        notice.translations.append(
            NoticeTranslation(
                language="mn",
                title=spec["title"],
                addressee_text=spec["addressee_text"],
                body="\n".join([spec["cover_text"], f"《{spec['document_title']}》", spec["preamble"]]),
                signature_organ=spec["signature_organ"],
                needs_review=True,
                translator=users["translator"],
                review_note="初稿：非母语译者起草，须由懂蒙古文的人员审校后方可使用。"
                "First draft by a non-native writer: a native reader of Mongolian must review it before use.",
            )
        )

    def load_roster(self, notice: Notice) -> LeadingGroup:
        spec = seed.ROSTER
        group = db.session.scalar(select(LeadingGroup).where(LeadingGroup.name == spec["name"]))
        if group is not None:
            return group
        group = LeadingGroup(
            name=spec["name"], owner_unit=self.units[spec["owner"]], purpose=spec["purpose"], established_by=notice
        )
        valid_from = notice.signed_on
        for order, member in enumerate(spec["members"]):
            group.memberships.append(
                Membership(
                    role=member["role"],
                    person_name=member["name"],
                    title=member["title"] or "",
                    description=member["description"],
                    unit=self.units.get(member["unit"]),
                    sort_order=order,
                    valid_from=valid_from,
                )
            )
        db.session.add(group)
        return group

    def load_pairings(self, notice: Notice) -> None:
        by_short = {u.short_name: u for u in self.units.values()}
        for spec in seed.PAIRINGS:
            high = by_short[spec["high"]]
            if db.session.scalar(select(Pairing).where(Pairing.high_school_id == high.id)) is not None:
                continue
            pairing = Pairing(high_school=high, source_notice=notice, subjects=list(spec["subjects"]))
            db.session.add(pairing)
            db.session.flush()
            for position, short in enumerate(spec["middles"]):
                db.session.execute(
                    pairing_schools.insert().values(
                        pairing_id=pairing.id, unit_id=by_short[short].id, position=position
                    )
                )

    def load_measures(self, notice: Notice) -> None:
        """Actions, measures and their sub-items as a tree of tasks (codes A1, 5, 5-3)."""
        if db.session.scalar(select(Task.id).where(Task.source_notice_id == notice.id).limit(1)) is not None:
            return
        due = {2023: date(2023, 12, 31), 2024: date(2024, 12, 31)}
        for action in seed.ACTIONS:
            action_task = Task(
                code=f"A{action['number']}", title=action["title"], source_notice=notice, sort_order=action["number"]
            )
            db.session.add(action_task)
            for measure in action["measures"]:
                leads = seed.MEASURE_LEADS[measure["number"]]
                lead = self.units[leads["lead"]]
                cooperating = [self.units[c] for c in leads["cooperating"]]
                measure_task = Task(
                    code=str(measure["number"]),
                    title=measure["title"],
                    description=measure["intro"],
                    source_notice=notice,
                    parent=action_task,
                    lead_unit=lead,
                    cooperating_units=cooperating,
                    due_on=due[2024],
                    sort_order=measure["number"],
                )
                measure_task.assignments = [Assignment(unit=lead, role="lead")] + [
                    Assignment(unit=u, role="cooperate") for u in cooperating
                ]
                db.session.add(measure_task)
                for index, item in enumerate(measure["items"], start=1):
                    db.session.add(
                        Task(
                            code=f"{measure['number']}-{index}",
                            title=item_title(item),
                            description=item,
                            source_notice=notice,
                            parent=measure_task,
                            lead_unit=lead,
                            due_on=due[2024],
                            sort_order=index,
                        )
                    )


def load_bureau(password: str = DEFAULT_PASSWORD) -> None:
    """Only the bureau, its units, groups, accounts and document series: a bureau before its first notice."""
    loader = Loader(password)
    loader.load_units()
    loader.load_groups()
    loader.load_accounts()
    loader.load_series()
    db.session.commit()


def load_demo(password: str = DEFAULT_PASSWORD) -> list[str]:
    """Load the seed's bureau, units, groups, accounts, notice, roster, pairings and measures, and the district
    bureaus' forwarding of the notice. Returns warnings for the person loading (what could not be made here)."""
    loader = Loader(password)
    loader.load_units()
    groups = loader.load_groups()
    users = loader.load_accounts()
    loader.load_series()
    notice = loader.load_notice(groups, users)
    loader.load_mongolian_version(notice, users)
    loader.load_roster(notice)
    loader.load_pairings(notice)
    loader.load_measures(notice)
    tasks_from_pairings(notice)  # one task per pair under measure 8
    assign_lead_units(notice)  # the sub-items name a lead unit; give it an assignment to report on
    load_progress(notice, users["staff"])  # the units' reports and the bureau's reviews since 2023, once
    if notice.docx_sha256 is None:
        # Issued notices keep the document they were issued with; the roster is part of it.
        db.session.flush()
        freeze_docx(notice)
        ask_for_files(notice)  # its PDFs, by the worker, as for a notice issued through the pages
    freeze_translation(notice)  # and its Mongolian version, as issued notices' are
    load_specimens(users["secretary"])
    db.session.flush()
    settle_receipts(users["secretary"])  # received in their time, not on the day of the load
    load_drafts(users)  # two drafts on their way: one for 核稿, one for 签发
    warnings = load_forwards(notice)  # 海勃湾区 and 乌达区 pass it on to their schools (commits)
    settle_receipts(users["secretary"])  # the forwarding notices', received in their time too
    register_receipts()  # and entered in each unit's 收文 register
    db.session.commit()
    return warnings


SPECIMENS = Path(__file__).with_name("specimens.json")


def load_specimens(secretary: User) -> None:
    """The notices a bureau writes every week, issued and distributed (app/demo/specimens.json, in the format of
    `notices load`): 抄送 and 附注, a long title and forty addressees, a body of headings, a Mongolian version with
    Latin and digits, and the 结对共建 notice to the paired schools, which reaches the district-run middle schools
    too (三中 of 海勃湾区, whose clerk the README names) as the seed's three groups do not. Those already there are
    left alone."""
    entries = json.loads(SPECIMENS.read_text(encoding="utf-8"))
    numbers = {n.number for n in db.session.scalars(select(Notice).where(Notice.status == NoticeStatus.issued.value))}
    missing = [entry for entry in entries if entry["number"] not in numbers]
    load_notices(missing, actor=secretary, base_dir=SPECIMENS.parent, max_bytes=current_app.config["MAX_UPLOAD_BYTES"])
