"""Placement, waveguide routing, WDM wavelength assignment and 3D layer stacking (planned)."""
