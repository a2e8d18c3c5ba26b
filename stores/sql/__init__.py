"""SQLAlchemy 2 models, the Alembic migrations and the stores built on them."""
