"""Tracking: detections in, track updates out. Numerics and bookkeeping only: no I/O, no clock."""
