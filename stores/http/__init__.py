"""Outbound HTTP adapters: other systems of the city asked over their APIs."""
