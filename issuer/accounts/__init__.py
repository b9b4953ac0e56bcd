"""People, roles, API clients and access tokens."""
