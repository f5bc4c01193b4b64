"""Data shipped with SkyWarden: the geoid grid, geography packs and built-in scenarios.

Each folder has a README with provenance and licence.
"""
