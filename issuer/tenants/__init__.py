"""Tenants and the issuing organisations they run."""
