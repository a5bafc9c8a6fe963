"""Control timing, STIRAP, the per-qubitron noise table and QEC (stim + pymatching).

Modules (one concept each; import them directly, nothing heavy is imported here):

- ``pulses``: pump / Stokes envelopes (Gaussian, sin^2), areas, :class:`StirapPulses`.
- ``lambda_system``: the emitter's Lambda system, RWA Hamiltonian, Lindblad operators.
- ``stirap``: one qubitron's STIRAP with QuTiP ``mesolve`` -> :class:`StirapResult`.
- ``lindblad``: vectorised Lindblad integrator (many small systems at once).
- ``stirap_batch``: STIRAP over arrays of parameters; ``stirap_map``: area x delay maps.
- ``drive``: power at the qubitron + ring Q / Purcell -> Rabi frequency and decay rate.
- ``noise``: qubit encoding and the per-qubitron noise table for the QEC layer.
- ``schedule``: pulse / switch / detection schedule of one QEC round (JSON, CSV, PNG).
- ``timing``: arrival times n_g L / c, skew, detection-window fit, round latency.
- ``lines``: heater / detector control lines and pads of a chip against its die edge.

- ``qec``: rotated surface-code memories on the chip's own noise (stim circuits with
  heralded erasures, plain and erasure-aware pymatching, sinter collection, threshold and the
  distance a target needs).

Monitoring (the digital twin) and the optimiser are not built yet.
"""
