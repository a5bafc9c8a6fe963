"""STIRAP efficiency map over (pulse area x pump-Stokes delay), solved in one vectorised batch.

Both pulses get the same area A (rad) and FWHM; the peak Rabi frequency of each point is
``control.pulses.peak_rabi_for_area_rad_per_us``. All points share one Lambda system and are
integrated together by :func:`control.stirap_batch.solve_stirap_batch` with a looser default
tolerance than a single solve (rtol 1e-6, atol 1e-8; the populations then agree with
rtol 1e-8 to ~1e-7).

Example:
    >>> m = efficiency_map(pulse_areas_rad=[2.0, 20.0], delays_ns=[-12.0, 12.0], fwhm_ns=20.0)
    >>> m.transfer_efficiency.shape, bool(m.transfer_efficiency[1, 1] > 0.99)
    ((2, 2), True)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike, NDArray

from control import _checks as chk
from control.lambda_system import LambdaSystem
from control.pulses import PulseShape, peak_rabi_for_area_rad_per_us
from control.stirap_batch import solve_stirap_batch

__all__ = ["EfficiencyMap", "efficiency_map"]

Array = NDArray[np.float64]


@dataclass(frozen=True)
class EfficiencyMap:
    """STIRAP outcome on a grid of pulse areas (rows) and delays (columns).

    Attributes:
        pulse_areas_rad: (n_area,) area of each pulse, rad.
        delays_ns: (n_delay,) t_c(pump) - t_c(Stokes), ns (> 0: counter-intuitive).
        fwhm_ns: pulse FWHM, ns; shape: pulse shape.
        transfer_efficiency, leakage, loss, dephasing_error: (n_area, n_delay) arrays, as in
            :class:`control.stirap.StirapResult`.
        n_steps: integrator steps taken (shared by all points).
    """

    pulse_areas_rad: Array
    delays_ns: Array
    fwhm_ns: float
    shape: str
    transfer_efficiency: Array
    leakage: Array
    loss: Array
    dephasing_error: Array
    n_steps: int

    def best(self) -> tuple[float, float, float]:
        """(pulse area rad, delay ns, efficiency) of the best grid point."""
        eff = self.transfer_efficiency
        i, j = np.unravel_index(int(np.argmax(eff)), eff.shape)
        return (
            float(self.pulse_areas_rad[i]),
            float(self.delays_ns[j]),
            float(self.transfer_efficiency[i, j]),
        )

    def save_png(self, path: str | Path) -> Path:
        """Write the efficiency map as a PNG (matplotlib, Agg backend); returns the path."""
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        path = Path(path)
        fig, ax = plt.subplots(figsize=(6.0, 4.5))
        mesh = ax.pcolormesh(
            self.delays_ns, self.pulse_areas_rad, self.transfer_efficiency, shading="nearest",
            vmin=0.0, vmax=1.0, cmap="viridis",
        )
        fig.colorbar(mesh, ax=ax, label="transfer efficiency P(g2)")
        ax.set_xlabel("delay t_pump - t_Stokes (ns); > 0 = counter-intuitive")
        ax.set_ylabel("pulse area (rad)")
        ax.set_title(f"STIRAP efficiency, {self.shape} pulses, FWHM {self.fwhm_ns:g} ns")
        fig.tight_layout()
        fig.savefig(path, dpi=120)
        plt.close(fig)
        return path


def efficiency_map(
    *,
    pulse_areas_rad: ArrayLike,
    delays_ns: ArrayLike,
    fwhm_ns: float = 20.0,
    shape: PulseShape = "gaussian",
    system: LambdaSystem | None = None,
    rtol: float = 1e-6,
    atol: float = 1e-8,
) -> EfficiencyMap:
    """Solve STIRAP on the grid pulse_areas_rad x delays_ns (equal pump and Stokes areas).

    Args:
        pulse_areas_rad: 1-D pulse areas, rad (>= 0).
        delays_ns: 1-D delays t_c(pump) - t_c(Stokes), ns.
        fwhm_ns: FWHM of both Rabi envelopes, ns (> 0).
        shape: ``"gaussian"`` or ``"sin2"``.
        system: decay, dephasing and detunings (default: lossless, resonant).
        rtol, atol: integrator tolerances.

    Returns:
        :class:`EfficiencyMap` with (len(areas), len(delays)) arrays.
    """
    areas = chk.nonnegative_array("pulse_areas_rad", pulse_areas_rad, "rad")
    delays = chk.finite_array("delays_ns", delays_ns)
    if areas.ndim != 1 or areas.size == 0:
        raise ValueError(f"pulse_areas_rad must be a non-empty 1-D array, got shape {areas.shape}")
    if delays.ndim != 1 or delays.size == 0:
        raise ValueError(f"delays_ns must be a non-empty 1-D array, got shape {delays.shape}")
    w = chk.positive("fwhm_ns", fwhm_ns, "ns")
    s = LambdaSystem() if system is None else system
    peak = peak_rabi_for_area_rad_per_us(area_rad=areas, fwhm_ns=w, shape=shape)[:, None]
    r = solve_stirap_batch(
        pump_peak_rabi_rad_per_us=peak,
        stokes_peak_rabi_rad_per_us=peak,
        delay_ns=delays[None, :],
        fwhm_ns=w,
        shape=shape,
        gamma_per_ns=s.gamma_per_ns,
        branching_g1=s.branching_g1,
        branching_g2=s.branching_g2,
        ground_dephasing_per_ns=s.ground_dephasing_per_ns,
        excited_dephasing_per_ns=s.excited_dephasing_per_ns,
        one_photon_detuning_rad_per_us=s.one_photon_detuning_rad_per_us,
        two_photon_detuning_rad_per_us=s.two_photon_detuning_rad_per_us,
        rtol=rtol,
        atol=atol,
    )
    return EfficiencyMap(
        pulse_areas_rad=areas,
        delays_ns=delays,
        fwhm_ns=w,
        shape=shape,
        transfer_efficiency=r.transfer_efficiency,
        leakage=r.leakage,
        loss=r.loss,
        dephasing_error=r.dephasing_error,
        n_steps=r.n_steps,
    )
