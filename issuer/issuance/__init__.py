"""Achievements, credentials and their signed formats: what an issuer awards."""
