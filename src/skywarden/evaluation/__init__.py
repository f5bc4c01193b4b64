"""Evaluation: score tracks against simulated truth (offline, never in the live loop)."""
