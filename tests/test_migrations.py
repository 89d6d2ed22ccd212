"""Migrations build the same schema as the models, and come down cleanly, on each database."""

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app.extensions import db


def _tables(engine) -> set[str]:
    return set(sa.inspect(engine).get_table_names()) - {"alembic_version"}


def test_migrations_upgrade_to_the_models_and_downgrade_to_nothing(make_app):
    app = make_app()
    with app.app_context():
        upgrade()
        assert _tables(db.engine) == set(db.metadata.tables)
        # Every column the models declare exists after the migration.
        inspector = sa.inspect(db.engine)
        for table in db.metadata.sorted_tables:
            columns = {c["name"] for c in inspector.get_columns(table.name)}
            assert columns == {c.name for c in table.columns}, table.name
        downgrade(revision="base")
        assert _tables(db.engine) == set()
        upgrade()
        assert _tables(db.engine) == set(db.metadata.tables)


def test_no_model_change_is_missing_a_migration(make_app):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    app = make_app()
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = _named_alike(compare_metadata(context, db.metadata))
    assert diff == [], f"models and migrations differ: {diff}"


def _fk_shape(constraint) -> tuple:
    return (
        constraint.table.name,
        tuple(c.name for c in constraint.columns),
        constraint.referred_table.name,
        tuple(e.column.name for e in constraint.elements),
    )


def _named_alike(diff: list) -> list:
    """Without the pairs that differ only in the name of a foreign key: SQLite adds a column's reference within its
    ALTER TABLE … ADD COLUMN (migration 0011), where the constraint's name is not read back, so it is reflected
    unnamed and without its ON DELETE (test_sqlite_references_added_in_place_keep_on_delete reads that). Same table,
    columns and target: the same constraint."""
    removed = {_fk_shape(d[1]): d for d in diff if d[0] == "remove_fk" and d[1].name is None}
    added = {_fk_shape(d[1]): d for d in diff if d[0] == "add_fk"}
    alike = removed.keys() & added.keys()
    dropped = {id(removed[k]) for k in alike} | {id(added[k]) for k in alike}
    return [d for d in diff if id(d) not in dropped]


def test_sqlite_references_added_in_place_keep_on_delete(make_app, tmp_path):
    """The references 0011 adds in place on SQLite do what the models say when their row goes (PRAGMA reads it;
    PostgreSQL's are compared by name and ON DELETE in the test above)."""
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'in-place.db'}")
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            found = {
                (table, row[3]): row[6]
                for table in ("notices", "unit_groups", "leading_groups", "tasks")
                for row in conn.exec_driver_sql(f"PRAGMA foreign_key_list({table})")
            }
    assert found[("notices", "organ_id")] == "RESTRICT"
    assert found[("notices", "forwards_id")] == "RESTRICT"
    assert found[("unit_groups", "organ_id")] == "CASCADE"
    assert found[("leading_groups", "organ_id")] == "RESTRICT"
    assert found[("tasks", "organ_id")] == "RESTRICT"


def test_demo_data_loads_on_the_migrated_schema(make_app):
    from app.demo.loader import load_demo
    from app.units.models import Unit

    app = make_app()
    with app.app_context():
        upgrade()
        load_demo("pw-123456")
        assert db.session.scalar(sa.select(sa.func.count(Unit.id))) > 30
