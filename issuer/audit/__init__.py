"""The audit log of state-changing actions."""
