"""Alembic environment: runs migrations on the engine handed over by ivr.db."""

from __future__ import annotations

from alembic import context

from ivr.db import Base
from ivr.models import call_event  # noqa: F401 - registers the tables on Base.metadata

engine = context.config.attributes["engine"]
with engine.begin() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()
