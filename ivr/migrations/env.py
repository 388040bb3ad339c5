"""Alembic environment: runs migrations on the engine handed over by ivr.db."""

from __future__ import annotations

from alembic import context

import ivr.models  # noqa: F401 - registers every table on Base.metadata
from ivr.db import Base

engine = context.config.attributes["engine"]
with engine.begin() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()
