"""Qdrant chunk stores (``core.ports.ChunkStore``): embedded qdrant-edge, or qdrant-client.

``EdgeChunkStore`` runs the Qdrant engine in-process on a folder (the default: fast, no
server); ``ClientChunkStore`` talks to a Qdrant server by URL, or runs qdrant-client's local
mode (a folder or ``":memory:"``, used by tests). Both pass the same conformance suite.
"""

from stores.qdrant.client_store import ClientChunkStore
from stores.qdrant.edge_store import EdgeChunkStore

__all__ = ["ClientChunkStore", "EdgeChunkStore"]
