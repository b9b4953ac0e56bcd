"""What earners control about their credentials: the public page's display, and name fixes."""
