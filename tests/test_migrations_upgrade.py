"""A school's database at the last release before the squash upgrades with its data
(tools/upgrade_check.py). A module of its own so that it runs beside the fresh-database
test of tests/test_migrations.py on the other core: each takes a minute of migrating."""

from __future__ import annotations

import json

import pytest

from tests.test_migrations import empty_database, run_check, the_suites_schema


@pytest.mark.django_db
def test_a_database_of_the_last_release_upgrades_with_its_data(tmp_path):
    out = tmp_path / "schema.json"
    with empty_database(tmp_path) as url:
        printed = run_check(url, "--schema-out", str(out))
    assert "OK: the release's database upgraded with its data" in printed
    assert json.loads(out.read_text()) == the_suites_schema()
