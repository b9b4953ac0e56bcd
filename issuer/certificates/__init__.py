"""Printable PDF certificates: rendered once from the issuer's template, credential attached."""
