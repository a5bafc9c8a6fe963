"""The qubitron emitter as a Lambda system: levels, RWA Hamiltonian and Lindblad operators.

Levels (index): |g1> (0) and |g2> (2) are the two long-lived ground states, |e> (1) the excited
state; |out> (3) collects population that decays out of the Lambda system (into other levels,
e.g. other ground-state sublevels or a dark charge state), so the trace stays 1 and the loss
is read off as rho_out,out. The pump couples g1-e, the Stokes field e-g2.

Hamiltonian in the rotating-wave approximation, hbar = 1, rad/ns (Vitanov et al.,
Rev. Mod. Phys. 89, 015006 (2017), Eq. (4)):

    H(t) = Omega_P(t)/2 (|g1><e| + h.c.) + Omega_S(t)/2 (|e><g2| + h.c.)
           + Delta |e><e| + delta |g2><g2|

Delta is the one-photon (pump) detuning, delta the two-photon detuning.

Lindblad operators (rates in 1/ns):

- spontaneous emission from |e> at total rate Gamma: sqrt(Gamma b1) |g1><e|,
  sqrt(Gamma b2) |g2><e|, sqrt(Gamma (1 - b1 - b2)) |out><e| (branching b1, b2; the rest is
  loss);
- ground-state pure dephasing gamma_g: sqrt(gamma_g / 2) (|g1><g1| - |g2><g2|) makes the g1-g2
  coherence decay at gamma_g;
- excited-state pure dephasing gamma_e: sqrt(2 gamma_e) |e><e| makes the e-g coherences decay
  at gamma_e on top of Gamma / 2.

Example:
    >>> s = LambdaSystem(gamma_per_ns=1.0, branching_g1=0.3, branching_g2=0.3)
    >>> round(s.loss_branching, 3), len(s.collapse_operators())
    (0.4, 3)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from control._checks import finite, fraction, nonnegative

__all__ = ["G1", "G2", "LEVELS", "OUT", "E", "LambdaSystem", "pump_coupling", "stokes_coupling"]

G1, E, G2, OUT = 0, 1, 2, 3
LEVELS = ("g1", "e", "g2", "out")
N_LEVELS = 4


def _ket_bra(i: int, j: int) -> NDArray[np.complex128]:
    m = np.zeros((N_LEVELS, N_LEVELS), dtype=complex)
    m[i, j] = 1.0
    return m


def pump_coupling() -> NDArray[np.complex128]:
    """(|g1><e| + |e><g1|) / 2: the pump term of H per unit Omega_P (4 x 4)."""
    return 0.5 * (_ket_bra(G1, E) + _ket_bra(E, G1))


def stokes_coupling() -> NDArray[np.complex128]:
    """(|e><g2| + |g2><e|) / 2: the Stokes term of H per unit Omega_S (4 x 4)."""
    return 0.5 * (_ket_bra(E, G2) + _ket_bra(G2, E))


@dataclass(frozen=True)
class LambdaSystem:
    """Decay, dephasing and detuning of the emitter (everything except the pulses).

    Attributes:
        gamma_per_ns: total decay rate Gamma of |e> in 1/ns (>= 0), Purcell enhancement
            included (see ``control.drive.purcell_enhanced_decay_per_ns``).
        branching_g1: fraction of decays from |e> into |g1>, in [0, 1].
        branching_g2: fraction into |g2>, in [0, 1]; 1 - b1 - b2 (>= 0) decays out (loss).
        ground_dephasing_per_ns: pure dephasing rate gamma_g of the g1-g2 coherence, 1/ns.
        excited_dephasing_per_ns: extra pure dephasing rate gamma_e of the e-g coherences, 1/ns.
        one_photon_detuning_rad_per_us: Delta (pump detuning from the g1-e line), rad/us.
        two_photon_detuning_rad_per_us: delta (Raman detuning g1-g2), rad/us.
    """

    gamma_per_ns: float = 0.0
    branching_g1: float = 0.5
    branching_g2: float = 0.5
    ground_dephasing_per_ns: float = 0.0
    excited_dephasing_per_ns: float = 0.0
    one_photon_detuning_rad_per_us: float = 0.0
    two_photon_detuning_rad_per_us: float = 0.0

    def __post_init__(self) -> None:
        nonnegative("gamma_per_ns", self.gamma_per_ns, "1/ns")
        fraction("branching_g1", self.branching_g1)
        fraction("branching_g2", self.branching_g2)
        if self.branching_g1 + self.branching_g2 > 1.0 + 1e-12:
            raise ValueError(
                f"branching_g1 + branching_g2 must be <= 1, got "
                f"{self.branching_g1} + {self.branching_g2}"
            )
        nonnegative("ground_dephasing_per_ns", self.ground_dephasing_per_ns, "1/ns")
        nonnegative("excited_dephasing_per_ns", self.excited_dephasing_per_ns, "1/ns")
        finite("one_photon_detuning_rad_per_us", self.one_photon_detuning_rad_per_us)
        finite("two_photon_detuning_rad_per_us", self.two_photon_detuning_rad_per_us)

    @property
    def loss_branching(self) -> float:
        """Fraction of decays from |e> that leave the Lambda system, 1 - b1 - b2."""
        return max(0.0, 1.0 - self.branching_g1 - self.branching_g2)

    @property
    def has_dephasing(self) -> bool:
        """True if any pure-dephasing rate is non-zero."""
        return self.ground_dephasing_per_ns > 0 or self.excited_dephasing_per_ns > 0

    def without_dephasing(self) -> LambdaSystem:
        """The same system with both pure-dephasing rates set to 0."""
        return replace(self, ground_dephasing_per_ns=0.0, excited_dephasing_per_ns=0.0)

    def static_hamiltonian(self) -> NDArray[np.complex128]:
        """Delta |e><e| + delta |g2><g2| in rad/ns (4 x 4)."""
        h = np.zeros((N_LEVELS, N_LEVELS), dtype=complex)
        h[E, E] = 1e-3 * self.one_photon_detuning_rad_per_us
        h[G2, G2] = 1e-3 * self.two_photon_detuning_rad_per_us
        return h

    def collapse_operators(self) -> list[NDArray[np.complex128]]:
        """Lindblad operators (4 x 4, sqrt(1/ns)); terms with zero rate are left out."""
        ops = []
        g = self.gamma_per_ns
        branches = ((G1, self.branching_g1), (G2, self.branching_g2), (OUT, self.loss_branching))
        for target, b in branches:
            if g * b > 0:
                ops.append(math.sqrt(g * b) * _ket_bra(target, E))
        if self.ground_dephasing_per_ns > 0:
            z = _ket_bra(G1, G1) - _ket_bra(G2, G2)
            ops.append(math.sqrt(0.5 * self.ground_dephasing_per_ns) * z)
        if self.excited_dephasing_per_ns > 0:
            ops.append(math.sqrt(2.0 * self.excited_dephasing_per_ns) * _ket_bra(E, E))
        return ops
