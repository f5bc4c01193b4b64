"""SkyWarden: airspace early warning against drone and balloon incursions.

Surveillance and warning only: SkyWarden fuses sensor reports into tracks, assesses
them, and raises and retracts alerts. It never controls weapons or effectors.

The data flows one way: sources -> tracking -> assessment -> alerting -> outputs,
with the store and the bus beside them; ``runtime`` wires the layers together.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
