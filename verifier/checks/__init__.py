"""Checks: each looks at one aspect of a credential and returns a Check."""
