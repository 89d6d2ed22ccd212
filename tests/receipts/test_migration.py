"""Migration 0008: the replies given in the three old columns move to the fields a reply now asks for, and back.

The demo data stands at the newest revision; going down to 0007 and up again runs this revision's two halves on
real rows (a notice with distributions, reminders, a reply).
"""

import sqlalchemy as sa
from flask_migrate import downgrade, stamp, upgrade

from app.extensions import db
from tests.helpers.notices import seed_notice

USUAL = [
    {"key": "f1", "label": "参加人员", "type": "text", "required": True},
    {"key": "f2", "label": "联系电话", "type": "phone", "required": True},
    {"key": "f3", "label": "备注", "type": "text", "required": False},
]


def _distribution_ids(notice_id) -> list[int]:
    return list(
        db.session.scalars(sa.text("SELECT id FROM distributions WHERE notice_id = :n ORDER BY id"), {"n": notice_id})
    )


def test_legacy_replies_move_to_the_usual_fields_and_come_back(demo):
    app = demo
    with app.app_context():
        notice_id = seed_notice().id
        db.session.remove()
        stamp()  # the demo's tables are the models' (test_migrations.py checks they are the migrations' too)
        downgrade(revision="0007")
        first, second, third = _distribution_ids(notice_id)[:3]
        db.session.execute(
            sa.text("UPDATE notices SET reply_requested = true, reply_fields = '[]' WHERE id = :n"), {"n": notice_id}
        )
        db.session.execute(
            sa.text(
                "UPDATE distributions SET reply_participants = '王校长', reply_phone = '0473-1234567', "
                "reply_text = '按时参加' WHERE id = :d"
            ),
            {"d": first},
        )
        db.session.execute(sa.text("UPDATE distributions SET reply_text = '另行报送' WHERE id = :d"), {"d": second})
        db.session.execute(
            sa.text(
                "INSERT INTO reminders (distribution_id, sent_by_id, sent_at, message, emailed_to, email_error) "
                "SELECT :d, id, CURRENT_TIMESTAMP, '请签收。', '', '' FROM users WHERE username = 'secretary'"
            ),
            {"d": third},
        )
        db.session.commit()

        upgrade()
        fields = db.session.scalar(sa.text("SELECT reply_fields FROM notices WHERE id = :n"), {"n": notice_id})
        values = dict(db.session.execute(sa.text("SELECT id, reply_values FROM distributions")).all())
        reminders = db.session.scalar(
            sa.text("SELECT count(*) FROM reminders WHERE distribution_id = :d"), {"d": third}
        )
        columns = {c["name"] for c in sa.inspect(db.engine).get_columns("distributions")}
        db.session.commit()
        assert _json(fields) == USUAL
        assert _json(values[first]) == {"f1": "王校长", "f2": "0473-1234567", "f3": "按时参加"}
        assert _json(values[second]) == {"f3": "另行报送"}
        assert _json(values[third]) == {}
        assert reminders == 1  # the table was altered in place: its reminders (ON DELETE CASCADE) are still there
        assert not columns & {"reply_participants", "reply_phone", "reply_text"}

        db.session.execute(
            sa.text("UPDATE distributions SET reply_values = :v WHERE id = :d"),
            {"v": '{"f1": "李老师", "f2": "0473-7654321", "f3": "无"}', "d": second},
        )
        db.session.commit()
        downgrade(revision="0007")
        row = db.session.execute(
            sa.text("SELECT reply_participants, reply_phone, reply_text FROM distributions WHERE id = :d"),
            {"d": second},
        ).one()
        db.session.commit()
        assert tuple(row) == ("李老师", "0473-7654321", "无")
        upgrade()


def _json(value):
    import json

    return json.loads(value) if isinstance(value, str) else value
