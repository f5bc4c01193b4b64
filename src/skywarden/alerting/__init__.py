"""Alerting: rules over assessments, alert lifecycles, hysteresis, operator actions."""
