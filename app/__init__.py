"""The composition root: settings, wiring, the ``langnghe`` command, server start."""
