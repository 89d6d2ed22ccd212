"""Task reminders (督办): a unit reminded of a task it has not finished, in its task list and by email.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 05:32:34.892011

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "task_reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("sent_by_id", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("message", sa.Text(), server_default="", nullable=False),
        sa.Column("emailed_to", sa.String(length=200), server_default="", nullable=False),
        sa.Column("email_error", sa.Text(), server_default="", nullable=False),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignments.id"],
            name=op.f("fk_task_reminders_assignment_id_assignments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sent_by_id"], ["users.id"], name=op.f("fk_task_reminders_sent_by_id_users"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_reminders")),
    )
    with op.batch_alter_table("task_reminders", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_task_reminders_assignment_id"), ["assignment_id"], unique=False)


def downgrade():
    with op.batch_alter_table("task_reminders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_task_reminders_assignment_id"))

    op.drop_table("task_reminders")
