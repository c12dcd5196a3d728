"""Alembic migrations for the analysis library (`spinscope.store`). Applied programmatically when a store opens."""
