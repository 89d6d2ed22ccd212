"""Frozen Mongolian versions: an issued notice's translation is numbered, frozen with its files, corrected anew.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op


revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("notice_translations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
        batch_op.add_column(sa.Column("frozen_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("docx_sha256", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("pdf_sha256", sa.String(length=64), nullable=True))
        batch_op.drop_constraint("uq_notice_translations_notice_id_language", type_="unique")
        batch_op.create_unique_constraint(
            "uq_notice_translations_notice_id_language_version", ["notice_id", "language", "version"]
        )


def downgrade():
    # Only the newest version of each notice's translation stays: the table held one per language before.
    op.execute(
        "DELETE FROM notice_translations WHERE version < "
        "(SELECT MAX(t.version) FROM notice_translations t WHERE t.notice_id = notice_translations.notice_id "
        "AND t.language = notice_translations.language)"
    )
    with op.batch_alter_table("notice_translations", schema=None) as batch_op:
        batch_op.drop_constraint("uq_notice_translations_notice_id_language_version", type_="unique")
        batch_op.create_unique_constraint("uq_notice_translations_notice_id_language", ["notice_id", "language"])
        batch_op.drop_column("pdf_sha256")
        batch_op.drop_column("docx_sha256")
        batch_op.drop_column("frozen_at")
        batch_op.drop_column("version")
