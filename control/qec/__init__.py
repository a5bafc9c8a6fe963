"""Error correction from the chip: noise table -> stim circuits -> decoding -> logical error.

Modules (one concept each):

- ``layout``: rotated surface-code patch, chip grid of tiles / qubitrons, code -> qubitron map.
- ``noise_model``: per-code-qubit circuit noise from a noise-table row (or stim's uniform model).
- ``circuits``: heterogeneous rotated surface-code memory circuits with heralded erasures.
- ``decoders``: plain and erasure-aware matching (pymatching), as sinter decoders.
- ``collect``: sampling over distances x error scales, in process or through sinter.
- ``analysis``: threshold, Lambda, distance for a target logical error.
- ``report``: :func:`evaluate_qec` -> :class:`QecReport`, :func:`write_qec_outputs`.
- ``plots``: PNG plots of a report.

Example:
    >>> from control.qec import QubitNoise, surface_code_circuit
    >>> surface_code_circuit(distance=3, rounds=3, noise=QubitNoise.uniform(1e-3)).num_detectors
    24
"""

from control.qec.bosonic import HybridReport, hybrid_assessment
from control.qec.circuits import herald_detectors, surface_code_circuit
from control.qec.decoders import compare_decoders
from control.qec.layout import ChipGrid, RotatedSurfaceCode
from control.qec.noise_model import QubitNoise, chip_code_noise
from control.qec.report import QecReport, evaluate_qec, write_qec_outputs

__all__ = [
    "ChipGrid",
    "HybridReport",
    "QecReport",
    "QubitNoise",
    "RotatedSurfaceCode",
    "chip_code_noise",
    "compare_decoders",
    "evaluate_qec",
    "herald_detectors",
    "hybrid_assessment",
    "surface_code_circuit",
    "write_qec_outputs",
]
