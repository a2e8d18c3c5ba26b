"""FastAPI adapters: REST (and later Open311, webhooks, staff pages) over the services."""
