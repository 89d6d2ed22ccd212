"""A reply (回执) holds a value per field the notice asks for, instead of three fixed columns.

A notice that asked for a reply without saying which fields gets the three usual ones (参加人员, 联系电话, 备注:
app/notices/forms.py USUAL_REPLY_FIELDS), and the replies already given move under their keys f1, f2, f3. A notice
that has fields of its own and replies in the old columns (given between 0007 and this revision) keeps its fields;
the old replies go to the field of the same label, or to one added for them, so that nothing typed is lost.

The old columns are dropped in place (ALTER TABLE … DROP COLUMN, SQLite 3.35 and later), not by copying the table as
batch mode does by default: SQLite empties a table it drops while foreign keys are on, and the reminders of each
distribution (ON DELETE CASCADE) would go with it.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# As app/notices/forms.py USUAL_REPLY_FIELDS was when this revision was written, keyed as the editor keys them.
USUAL_FIELDS = [
    {"key": "f1", "label": "参加人员", "type": "text", "required": True},
    {"key": "f2", "label": "联系电话", "type": "phone", "required": True},
    {"key": "f3", "label": "备注", "type": "text", "required": False},
]
LEGACY_COLUMNS = ("reply_participants", "reply_phone", "reply_text")  # in the order of USUAL_FIELDS

notices = sa.table(
    "notices",
    sa.column("id", sa.Integer),
    sa.column("reply_requested", sa.Boolean),
    sa.column("reply_fields", sa.JSON),
)
distributions = sa.table(
    "distributions",
    sa.column("id", sa.Integer),
    sa.column("notice_id", sa.Integer),
    sa.column("reply_values", sa.JSON),
    *(sa.column(name, sa.Text) for name in LEGACY_COLUMNS),
)


def upgrade():
    with op.batch_alter_table("distributions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reply_values", sa.JSON(), server_default="{}", nullable=False))
    connection = op.get_bind()
    fields = _fields_of_notices(connection)
    _move_legacy_replies(connection, fields)
    with op.batch_alter_table("distributions", schema=None, recreate="never") as batch_op:
        for name in LEGACY_COLUMNS:
            batch_op.drop_column(name)


def _fields_of_notices(connection) -> dict[int, list]:
    """Every notice's reply fields, the usual three given to those that asked for a reply without fields."""
    fields = {}
    for notice_id, requested, own in connection.execute(
        sa.select(notices.c.id, notices.c.reply_requested, notices.c.reply_fields)
    ):
        fields[notice_id] = list(own or [])
        if requested and not fields[notice_id]:
            fields[notice_id] = [dict(f) for f in USUAL_FIELDS]
            connection.execute(notices.update().where(notices.c.id == notice_id).values(reply_fields=fields[notice_id]))
    return fields


def _legacy_keys(fields: list) -> list[str]:
    """The keys of the fields the three old columns go to: the usual field of the same label, else a new one
    (appended to `fields`)."""
    keys = []
    for usual in USUAL_FIELDS:
        same = next((f for f in fields if f.get("label") == usual["label"] and f.get("type") != "file"), None)
        if same is None:
            taken = {f.get("key") for f in fields}
            number = len(fields) + 1
            while f"f{number}" in taken:
                number += 1
            same = dict(usual, key=f"f{number}", required=False)
            fields.append(same)
        keys.append(same["key"])
    return keys


def _move_legacy_replies(connection, fields: dict[int, list]) -> None:
    legacy = sa.or_(*(distributions.c[name] != "" for name in LEGACY_COLUMNS))
    rows = connection.execute(
        sa.select(distributions.c.id, distributions.c.notice_id, *(distributions.c[n] for n in LEGACY_COLUMNS))
        .where(legacy)
        .order_by(distributions.c.id)
    ).all()
    keys_of: dict[int, list[str]] = {}
    for row in rows:
        if row.notice_id not in keys_of:
            before = len(fields[row.notice_id])
            keys_of[row.notice_id] = _legacy_keys(fields[row.notice_id])
            if len(fields[row.notice_id]) != before:  # fields were added for the old replies
                connection.execute(
                    notices.update()
                    .where(notices.c.id == row.notice_id)
                    .values(reply_fields=fields[row.notice_id], reply_requested=True)
                )
        values = {
            key: row._mapping[name]
            for key, name in zip(keys_of[row.notice_id], LEGACY_COLUMNS, strict=True)
            if row._mapping[name]
        }
        connection.execute(distributions.update().where(distributions.c.id == row.id).values(reply_values=values))


def downgrade():
    with op.batch_alter_table("distributions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reply_participants", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("reply_phone", sa.String(length=40), server_default="", nullable=False))
        batch_op.add_column(sa.Column("reply_text", sa.Text(), server_default="", nullable=False))
    connection = op.get_bind()
    labels = {
        notice_id: {f.get("key"): f.get("label", "") for f in (own or [])}
        for notice_id, own in connection.execute(sa.select(notices.c.id, notices.c.reply_fields))
    }
    rows = connection.execute(
        sa.select(distributions.c.id, distributions.c.notice_id, distributions.c.reply_values)
    ).all()
    for row in rows:
        if row.reply_values:
            connection.execute(
                distributions.update()
                .where(distributions.c.id == row.id)
                .values(**_legacy_reply(row.reply_values, labels.get(row.notice_id, {})))
            )
    with op.batch_alter_table("distributions", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("reply_values")


def _legacy_reply(values: dict, labels: dict) -> dict:
    """The three old columns from a reply's values: 参加人员 and 联系电话 to their own, every other field (labelled) to
    the note. A file is its name: the old columns held no files."""

    def text(value) -> str:
        return value.get("filename", "") if isinstance(value, dict) else str(value)

    by_label = {labels.get(key, key): text(value) for key, value in values.items()}
    participants = by_label.pop(USUAL_FIELDS[0]["label"], "")
    phone = by_label.pop(USUAL_FIELDS[1]["label"], "")
    note = by_label.pop(USUAL_FIELDS[2]["label"], "")
    others = [f"{label}：{value}" for label, value in by_label.items()]
    return {
        "reply_participants": participants,
        "reply_phone": phone[:40],
        "reply_text": "\n".join(([note] if note else []) + others),
    }
