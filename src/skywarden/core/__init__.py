"""Leaf layer: the types, enums, ids, time, units and errors every other layer shares.

Nothing in ``core`` imports any other part of SkyWarden.
"""
