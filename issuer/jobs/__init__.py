"""Background jobs: long requests answered 202 at once, run by workers, read by their status."""
