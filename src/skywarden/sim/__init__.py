"""Scenario simulator: believable threats, confusers and sensors, exact enough to score against.

``scenarios`` reads scenario YAML and resolves it with a seeded generator, ``catalog``
holds the characteristics of each object model and sensor type (with the domain brief's
sources), ``truth`` flies the targets, ``sensors`` and ``synth`` turn truth into the
detections each sensor would report, and ``run`` writes the files.
"""
