"""Sources: adapters at the edge that turn each wire format into detections or rejects."""
