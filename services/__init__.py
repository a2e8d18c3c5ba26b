"""Use cases: intake and routing of feedback, annotation workers, import, batch analysis."""
