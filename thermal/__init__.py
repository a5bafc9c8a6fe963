"""Heater sources, temperature solves, thermal crosstalk and tuning power (planned)."""
