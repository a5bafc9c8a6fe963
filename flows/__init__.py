"""Pipelines (build, drc, loss, sweep), the chip spec and the ``quantacore`` command line."""
