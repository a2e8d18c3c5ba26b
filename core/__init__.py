"""Plain types, ports (Protocols), reference data and the error tree. Imports nothing of ours."""
