"""Documents → chunks → vectors in Qdrant → search: see the e-documents issue."""
