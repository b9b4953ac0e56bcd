"""API documentation assets and problem-type pages."""
