"""Control timing, STIRAP, QEC (stim + pymatching) and optimisation (planned)."""
