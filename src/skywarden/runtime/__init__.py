"""Runtime: the one place that knows every layer; it wires them and runs them."""
