"""Certification paths: versioned programs with a review workflow, cohorts and progress."""
