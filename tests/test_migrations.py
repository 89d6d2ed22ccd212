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
            diff = compare_metadata(context, db.metadata)
    assert diff == [], f"models and migrations differ: {diff}"


def test_demo_data_loads_on_the_migrated_schema(make_app):
    from app.demo.loader import load_demo
    from app.units.models import Unit

    app = make_app()
    with app.app_context():
        upgrade()
        load_demo("pw-123456")
        assert db.session.scalar(sa.select(sa.func.count(Unit.id))) > 30
