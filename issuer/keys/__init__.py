"""Issuer signing keys, their rotation and public documents."""
