"""Channel adapters: each turns one platform's updates into ``core.chat.Incoming``, calls the
dialogue core, and renders the ``Reply``s back; each brings its own webhook route.

Channels never import each other (an import-linter contract), so a platform can be added or
dropped without touching the others.
"""
