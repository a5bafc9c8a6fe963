"""Optical timing from the layout: arrival times, skew and the latency of one QEC round.

A pulse launched at the chip input reaches a qubitron after t = n_g L / c, with L the routed
path length (the router's report; a plain ``{net: length_um}`` dict here) and n_g the group
index of the SiN strip (``components.models.waveguide_modes.group_index``, effective-index
solver with material dispersion: 1.894 at 1550 nm). The skew of a set of paths is
max(t) - min(t). It fits a detection window when skew + detector jitter (FWHM) <= window.

Latency of one QEC round = STIRAP window + longest pump/Stokes propagation + longest readout
propagation (ring -> detector) + detection (two time bins) + decoding. The default decoding
time is 1 us per round [ref: PyMatching v2] (Higgott & Gidney, arXiv 2303.15933: < 1 us per
round at d = 17, p = 0.1 %).

Example:
    >>> t = arrival_times_ns({"a": 1000.0, "b": 3000.0}, group_index=2.0)
    >>> round(t["a"], 4), round(skew_ns(t) * 1e3, 1)
    (0.0067, 13.3)
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, Field

from control import _checks as chk

__all__ = [
    "DEFAULT_DECODING_NS",
    "TimingReport",
    "arrival_times_ns",
    "group_index_at",
    "skew_ns",
    "timing_report",
]

C_UM_PER_NS = 299792.458  # speed of light in vacuum, um/ns
# [ref: PyMatching v2] Higgott & Gidney, arXiv 2303.15933: < 1 us per round at d = 17
DEFAULT_DECODING_NS = 1000.0


def group_index_at(wavelength_nm: float = 1550.0) -> float:
    """Group index of the SiN strip at ``wavelength_nm`` from the vectorial mode table.

    Example:
        >>> round(group_index_at(1550.0), 3)
        1.907
    """
    wl = chk.positive("wavelength_nm", wavelength_nm, "nm")
    # imported by name at run time: control stays type-checkable on its own
    modes = importlib.import_module("components.models.waveguide_modes")
    return float(modes.group_index(wl * 1e-3))


def _group_index(group_index: float | None, wavelength_nm: float) -> float:
    if group_index is None:
        return group_index_at(wavelength_nm)
    return chk.positive("group_index", group_index)


def arrival_times_ns(
    path_lengths_um: Mapping[str, float],
    *,
    group_index: float | None = None,
    wavelength_nm: float = 1550.0,
) -> dict[str, float]:
    """Propagation delay t = n_g L / c of every path, ns.

    Args:
        path_lengths_um: net or qubitron name -> routed path length, um (>= 0).
        group_index: n_g (> 0); default :func:`group_index_at` ``(wavelength_nm)``.
        wavelength_nm: wavelength for the default group index, nm.

    Returns:
        name -> arrival time in ns (launch at t = 0).
    """
    if not isinstance(path_lengths_um, Mapping):
        raise ValueError(f"path_lengths_um must be a mapping name -> um, got {path_lengths_um!r}")
    ng = _group_index(group_index, wavelength_nm)
    out = {}
    for name, length in path_lengths_um.items():
        length_um = chk.nonnegative(f"path_lengths_um[{name!r}]", length, "um")
        out[str(name)] = ng * length_um / C_UM_PER_NS
    return out


def skew_ns(arrival_ns: Mapping[str, float]) -> float:
    """max - min of the arrival times, ns (0 for fewer than two paths).

    Example:
        >>> skew_ns({"a": 1.0, "b": 1.25, "c": 1.1})
        0.25
    """
    values = list(arrival_ns.values())
    return float(max(values) - min(values)) if len(values) > 1 else 0.0


class TimingReport(BaseModel):
    """Arrival times, skew and round latency of one chip (times in ns unless named ps)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    group_index: float = Field(description="group index n_g used", gt=0)
    pump_arrival_ns: dict[str, float] = Field(description="qubitron -> pump/Stokes arrival, ns")
    readout_arrival_ns: dict[str, float] = Field(description="qubitron -> detector arrival, ns")
    pump_skew_ps: float = Field(description="max - min pump arrival, ps", ge=0)
    readout_skew_ps: float = Field(description="max - min readout arrival, ps", ge=0)
    detection_window_ns: float = Field(description="detection window length, ns", gt=0)
    jitter_fwhm_ps: float = Field(description="detector timing jitter FWHM, ps", ge=0)
    readout_margin_ns: float = Field(description="window - readout skew - jitter, ns")
    skew_fits_window: bool = Field(description="readout skew + jitter <= detection window")
    stirap_window_ns: float = Field(description="STIRAP pulse window, ns", ge=0)
    decoding_ns: float = Field(description="decoder time per round, ns", ge=0)
    round_latency_ns: float = Field(description="pulse + propagation + detection + decoding")


def timing_report(
    *,
    pump_path_lengths_um: Mapping[str, float],
    readout_path_lengths_um: Mapping[str, float] | None = None,
    stirap_window_ns: float,
    detection_window_ns: float,
    decoding_ns: float = DEFAULT_DECODING_NS,
    jitter_fwhm_ps: float | None = None,
    group_index: float | None = None,
    wavelength_nm: float = 1550.0,
) -> TimingReport:
    """Arrival times, skews, window fit and latency of one QEC round.

    Args:
        pump_path_lengths_um: qubitron -> length of its pump (or Stokes) path from the chip
            input, um.
        readout_path_lengths_um: qubitron -> length from its ring to its detector, um
            (default: none, zero readout propagation).
        stirap_window_ns: length of the STIRAP pulse window, ns.
        detection_window_ns: detection window (both time bins), ns (> 0).
        decoding_ns: decoder time per round, ns (default 1000 [ref: PyMatching v2]).
        jitter_fwhm_ps: detector jitter FWHM, ps (default: ``detector_figures()``, 18 ps).
        group_index: n_g (default from the mode solver at ``wavelength_nm``).
        wavelength_nm: wavelength, nm.

    Returns:
        :class:`TimingReport`.

    Example:
        >>> r = timing_report(pump_path_lengths_um={"q0": 1000.0, "q1": 1500.0},
        ...                   readout_path_lengths_um={"q0": 200.0, "q1": 200.0},
        ...                   stirap_window_ns=132.0, detection_window_ns=6.0, group_index=2.0)
        >>> round(r.pump_skew_ps, 2), r.skew_fits_window, round(r.round_latency_ns, 2)
        (3.34, True, 1138.01)
    """
    window = chk.positive("detection_window_ns", detection_window_ns, "ns")
    pulse = chk.nonnegative("stirap_window_ns", stirap_window_ns, "ns")
    decode = chk.nonnegative("decoding_ns", decoding_ns, "ns")
    if jitter_fwhm_ps is None:
        det = importlib.import_module("components.models.detector")
        jitter = float(det.detector_figures()["jitter_ps"])
    else:
        jitter = chk.nonnegative("jitter_fwhm_ps", jitter_fwhm_ps, "ps")
    ng = _group_index(group_index, wavelength_nm)
    pump = arrival_times_ns(pump_path_lengths_um, group_index=ng)
    readout = arrival_times_ns(readout_path_lengths_um or {}, group_index=ng)
    r_skew = skew_ns(readout)
    margin = window - r_skew - jitter * 1e-3
    latency = (
        pulse
        + max(pump.values(), default=0.0)
        + max(readout.values(), default=0.0)
        + window
        + decode
    )
    return TimingReport(
        group_index=ng,
        pump_arrival_ns=pump,
        readout_arrival_ns=readout,
        pump_skew_ps=skew_ns(pump) * 1e3,
        readout_skew_ps=r_skew * 1e3,
        detection_window_ns=window,
        jitter_fwhm_ps=jitter,
        readout_margin_ns=margin,
        skew_fits_window=margin >= 0,
        stirap_window_ns=pulse,
        decoding_ns=decode,
        round_latency_ns=latency,
    )
