"""Text → annotations: normalisation, word segmentation, routing, places. Loads model files only."""
