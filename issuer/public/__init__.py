"""Public pages and documents: credentials, achievements, OB 2.0 hosted verification."""
