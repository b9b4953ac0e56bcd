"""Certificates attached to paths, the rules that decide who gets one, and issuing them."""
