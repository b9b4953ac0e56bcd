"""Validated, sanitised images served publicly."""
