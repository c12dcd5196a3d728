"""Alembic environment. `spinscope.store.Store` passes its open connection in `config.attributes["connection"]`;
running the `alembic` command by hand needs `-x url=...` or `sqlalchemy.url` in the config instead."""

from alembic import context
from sqlalchemy import create_engine

config = context.config


def run_migrations(connection) -> None:
    # batch mode lets later ALTER TABLE migrations run on SQLite too
    context.configure(connection=connection, render_as_batch=True, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run_migrations(connection)
else:
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")
    engine = create_engine(url)
    with engine.begin() as conn:
        run_migrations(conn)
    engine.dispose()
