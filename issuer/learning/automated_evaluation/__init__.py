"""Automated evaluation: question banks, randomised quiz attempts, grading, evidence, rubrics."""
