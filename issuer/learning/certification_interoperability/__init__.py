"""Interoperability: local paths mapped to an external system's ids, with CSV and JSON exchange."""
