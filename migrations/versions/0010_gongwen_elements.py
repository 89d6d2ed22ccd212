"""Every element of GB/T 9704 a notice may carry: 紧急程度, 份号 (and each unit's copy number), 密级 and 保密期限,
签发人 of a 上行文, 联合行文's other organs, 公开属性, a 纪要's meeting, and attachments printed as pages.

Plain ALTER TABLE … ADD COLUMN on both databases (never batch mode's copy of a table: SQLite empties a table it drops
while foreign keys are on, and the rows that cascade from it would go). Every column has a default, so existing
notices read as they printed before: 文件, no element above the mark, one organ, no 公开属性.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

NOTICE_COLUMNS = [
    sa.Column("urgency", sa.String(length=8), server_default="", nullable=False),
    sa.Column("copy_numbers", sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column("classification", sa.String(length=8), server_default="", nullable=False),
    sa.Column("classification_period", sa.String(length=20), server_default="", nullable=False),
    sa.Column("upward", sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column("signers", sa.JSON(), server_default="[]", nullable=False),
    sa.Column("joint_organs", sa.JSON(), server_default="[]", nullable=False),
    sa.Column("disclosure", sa.String(length=16), server_default="", nullable=False),
    sa.Column("disclosure_reason", sa.Text(), server_default="", nullable=False),
    sa.Column("meeting", sa.JSON(), server_default="{}", nullable=False),
]


def upgrade():
    for column in NOTICE_COLUMNS:
        op.add_column("notices", column)
    op.add_column(
        "notice_attachments", sa.Column("print_as_pages", sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    op.add_column("distributions", sa.Column("copy_number", sa.Integer(), nullable=True))


def downgrade():
    op.drop_column("distributions", "copy_number")
    op.drop_column("notice_attachments", "print_as_pages")
    for column in reversed(NOTICE_COLUMNS):
        op.drop_column("notices", column.name)
