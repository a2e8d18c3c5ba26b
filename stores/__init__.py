"""Storage adapters: the SQL database (SQLite, PostgreSQL) behind the ports of ``core``."""
