"""The parts of backup and restore that need no second database."""

import pytest

from app.backup.services import BackupError, find_tool, move_schema


def test_without_the_postgresql_client_a_backup_names_the_debian_package(app, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    path = tmp_path / "intranet.tar.gz"

    result = app.test_cli_runner().invoke(args=["backup", str(path)])

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        assert result.exit_code != 0
        assert "pg_dump was not found on PATH" in result.output
        assert "apt-get install postgresql-client" in result.output
        assert not path.exists()
    else:  # SQLite needs no client program
        assert result.exit_code == 0, result.output


def test_find_tool_says_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(BackupError, match=r"psql was not found on PATH.*postgresql-client"):
        find_tool("psql")


def test_move_schema_renames_the_schema_in_statements_but_never_in_data(tmp_path):
    script = tmp_path / "restore.sql"
    script.write_text(
        "-- Name: units; Type: TABLE; Schema: test_1; Owner: -\n"
        "CREATE TABLE test_1.units (id integer NOT NULL, name text);\n"
        "ALTER TABLE ONLY test_1.units ALTER COLUMN id SET DEFAULT nextval('test_1.units_id_seq'::regclass);\n"
        'ALTER TABLE ONLY "test_1".units ADD CONSTRAINT fk FOREIGN KEY (id) REFERENCES test_1.units(id);\n'
        "CREATE TABLE mytest_1.other (id integer);\n"
        "COPY test_1.units (id, name) FROM stdin;\n"
        "1\tsee test_1.units\n"
        "2\tCOPY test_1.units (id) FROM stdin;\n"
        "\\.\n"
        "SELECT pg_catalog.setval('test_1.units_id_seq', 2, true);\n",
        encoding="utf-8",
    )
    out = tmp_path / "moved.sql"

    move_schema(script, out, "test_1", "test_1_restore")

    assert out.read_text(encoding="utf-8").splitlines() == [
        "-- Name: units; Type: TABLE; Schema: test_1; Owner: -",
        'CREATE TABLE "test_1_restore".units (id integer NOT NULL, name text);',
        'ALTER TABLE ONLY "test_1_restore".units ALTER COLUMN id SET DEFAULT '
        "nextval('\"test_1_restore\".units_id_seq'::regclass);",
        'ALTER TABLE ONLY "test_1_restore".units ADD CONSTRAINT fk FOREIGN KEY (id) '
        'REFERENCES "test_1_restore".units(id);',
        "CREATE TABLE mytest_1.other (id integer);",
        'COPY "test_1_restore".units (id, name) FROM stdin;',
        "1\tsee test_1.units",
        "2\tCOPY test_1.units (id) FROM stdin;",
        "\\.",
        "SELECT pg_catalog.setval('\"test_1_restore\".units_id_seq', 2, true);",
    ]
