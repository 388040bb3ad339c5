"""The residents' pages on SQLite and on PostgreSQL, with a real Redis: the same app as the Open311 tests."""

from tests.open311.conftest import client, database_url, env

__all__ = ["client", "database_url", "env"]
