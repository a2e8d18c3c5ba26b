"""Text → annotations: normalisation, features, routing, places. Loads model files only."""
