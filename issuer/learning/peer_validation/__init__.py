"""Peer validation: mentors assigned to paths decide, once, on learners' evidence."""
