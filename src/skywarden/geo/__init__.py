"""Geodesy and geography: pure functions over arrays, SI units, WGS84 degrees at the edges."""
