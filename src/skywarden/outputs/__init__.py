"""Outputs: edge adapters that turn core events into wire formats (format only, no decisions)."""
