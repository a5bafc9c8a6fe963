"""FDTD calibration of the compact models: one typed value, loaded once, bound into the models.

The compact models are pure functions whose defaults are the published figures. An FDTD
calibration run (``python -m simulation.fdtd.calibrate``) writes
``qc_pdk/data/calibration.json``; :func:`load_calibration` reads it **once, at the edge**
(PDK assembly, a command) into a :class:`Calibration`, and :meth:`Calibration.bind` returns
the models with the calibrated constants bound as keyword defaults (``functools.partial``, as
sax users bind their settings), so a model never reads a file or the environment.

Sections (all optional):

- ``bend_euler_fdtd_2d``: fit a R^q exp(-R / R_d) of the radiation loss per 90 deg of an
  Euler bend from 2D effective-index FDTD, **recorded, not applied**: the 2D model
  under-estimates the 3D loss (0.33 vs 0.47 dB for a 30 um Euler bend), so the bend models use
  the vectorial mode table (``components.models.mode_table``) and this fit is validation.
  A file still carrying the old section name ``bend_euler`` is read into this field;
- ``crossing``: ``insertion_loss_dB``, ``crosstalk_dB``;
- ``interlayer_coupler``: ``insertion_loss_dB``;
- ``ring_coupler``: ``kappa0_per_um``, ``decay_um`` of the ring/bus coupling law
  (``components.models.ring.ring_self_coupling``), applied to every ring model;
- ``ring_coupler_fdtd``: the same constants fitted by FDTD but **recorded, not applied**
  (they are ~3.5x the estimate and would re-tune every ring and WDM design; a designer applies
  them by renaming the section ``ring_coupler``);
- ``ring_heater``: ``p_pi_mW``, heater power per pi of round-trip phase (also the MZI
  switch's heater: the same TiN line over the same strip);
- ``mmi``: per MMI cell (``mmi1x2``, ``mmi2x2``) the self-imaging defocus fit
  (``excess_loss_dB``, ``imbalance_dB``, ``imaging_length_um``, ``defocus_loss_dB``,
  ``imbalance_slope_dB``, the 2x2's ``cross_phase_deg``) of ``components.models.mmi``,
  applied to the MMI models and, as
  ``splitter_*`` / ``combiner_*``, to the MZI switch's.

Example:
    >>> cal = Calibration.model_validate({"crossing": {"insertion_loss_dB": 0.5,
    ...                                                "crosstalk_dB": -40.0}})
    >>> cal.model_overrides()["crossing"]
    {'insertion_loss_dB': 0.5, 'crosstalk_dB': -40.0}
    >>> load_calibration("/nonexistent/calibration.json").model_overrides()
    {}
"""

from __future__ import annotations

import functools
import inspect
import json
import math
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ValidationError

from qc_pdk.errors import InputError

__all__ = [
    "BendFit",
    "Calibration",
    "CalibrationError",
    "CrossingFit",
    "InterlayerFit",
    "MmiFit",
    "MmiSection",
    "RingCouplerFit",
    "RingHeaterFit",
    "default_calibration_path",
    "load_calibration",
]


# models built on the ring coupling law / heater phase (components.models.ring)
RING_MODELS = ("ring_allpass", "ring_adddrop", "ring_switch", "wdm_demux", "wdm_mux", "qubitron")


class CalibrationError(InputError):
    """The calibration file exists but is not a valid calibration (message names the field)."""


class _Section(BaseModel):
    # measured points and notes travel with each fit (fdtd_*, radii_um, note ...)
    model_config = ConfigDict(extra="allow", frozen=True)


class BendFit(_Section):
    """Radiation loss per 90 deg of an Euler bend: a R^q exp(-R / R_d) (R in um, loss in dB)."""

    a_dB_per_90: float
    radius_exponent: float
    decay_radius_um: float = Field(gt=0)

    def loss_dB_per_90deg(self, radius_um: float) -> float:
        """The fitted loss (dB) of a 90 deg bend of effective radius ``radius_um``."""
        r = float(radius_um)
        decay = math.exp(-r / self.decay_radius_um)
        return float(self.a_dB_per_90 * r**self.radius_exponent * decay)


class CrossingFit(_Section):
    """Through loss (dB, >= 0) and crosstalk per perpendicular port (dB, < 0) of a crossing."""

    insertion_loss_dB: float = Field(ge=0)
    crosstalk_dB: float = Field(lt=0)


class InterlayerFit(_Section):
    """Loss (dB, >= 0) of one WG1 <-> WG2 interlayer transition."""

    insertion_loss_dB: float = Field(ge=0)


class RingCouplerFit(_Section):
    """Constants of the ring/bus coupling law theta = kappa0 exp(-gap/d) sqrt(2 pi R d)."""

    kappa0_per_um: float = Field(gt=0)
    decay_um: float = Field(gt=0)


class RingHeaterFit(_Section):
    """Heater power (mW, > 0) for a pi change of a ring's round-trip phase."""

    p_pi_mW: float = Field(gt=0)


class MmiFit(_Section):
    """Self-imaging defocus fit of one MMI (``components.models.mmi``): excess loss (dB) and
    imbalance (dB) at the best image, its length (um) at 1.55 um, the loss per squared defocus
    and the imbalance per unit defocus (dB)."""

    excess_loss_dB: float = Field(ge=0)
    imbalance_dB: float
    imaging_length_um: float = Field(gt=0)
    defocus_loss_dB: float = Field(ge=0)
    imbalance_slope_dB: float = 0.0
    cross_phase_deg: float | None = None  # 2x2 only: cross vs bar paths (+-90 deg)


class MmiSection(_Section):
    """The MMI cells' fits: the 1x2 splitter and the 2x2 coupler (the MZI's combiner)."""

    mmi1x2: MmiFit | None = None
    mmi2x2: MmiFit | None = None


# MMI model keyword -> fit field; the MZI model takes them with these prefixes
_MMI_FIELDS = ("excess_loss_dB", "imbalance_dB", "imaging_length_um", "defocus_loss_dB",
               "imbalance_slope_dB", "cross_phase_deg")
_MZI_PREFIX = {"mmi1x2": "splitter_", "mmi2x2": "combiner_"}


class Calibration(BaseModel):
    """Every calibrated constant of the compact models (see the module docstring)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    meta: dict[str, Any] = Field(default_factory=dict, alias="_meta")
    bend_euler_fdtd_2d: BendFit | None = Field(
        default=None, validation_alias=AliasChoices("bend_euler_fdtd_2d", "bend_euler")
    )
    crossing: CrossingFit | None = None
    interlayer_coupler: InterlayerFit | None = None
    ring_coupler: RingCouplerFit | None = None
    ring_coupler_fdtd: RingCouplerFit | None = None
    ring_heater: RingHeaterFit | None = None
    mmi: MmiSection | None = None
    source: str | None = Field(default=None, exclude=True)

    @property
    def bend_euler(self) -> None:
        """No bend fit is applied any more (see ``bend_euler_fdtd_2d``): always None, so
        readers of the old field get the models' own (vectorial) bend loss."""
        return None

    @property
    def empty(self) -> bool:
        """True when no section is applied (the models keep their published defaults)."""
        return not self.model_overrides()

    def model_overrides(self) -> dict[str, dict[str, Any]]:
        """Keyword arguments each model gets bound: ``{model name: {parameter: value}}``."""
        out: dict[str, dict[str, Any]] = {}
        if self.crossing is not None:
            out["crossing"] = {
                "insertion_loss_dB": self.crossing.insertion_loss_dB,
                "crosstalk_dB": self.crossing.crosstalk_dB,
            }
        if self.interlayer_coupler is not None:
            out["interlayer_coupler"] = {
                "insertion_loss_dB": self.interlayer_coupler.insertion_loss_dB
            }
        ring: dict[str, Any] = {}
        if self.ring_coupler is not None:
            ring.update(
                kappa0_per_um=self.ring_coupler.kappa0_per_um, decay_um=self.ring_coupler.decay_um
            )
        if self.ring_heater is not None:
            ring["heater_p_pi_mW"] = self.ring_heater.p_pi_mW
        if ring:  # bind() keeps only the keywords each ring model takes
            for name in RING_MODELS:
                out[name] = dict(ring)
        if self.ring_heater is not None:
            out["mzi_switch"] = {"heater_p_pi_mW": self.ring_heater.p_pi_mW}
        if self.mmi is not None:
            for name, prefix in _MZI_PREFIX.items():
                fit: MmiFit | None = getattr(self.mmi, name)
                if fit is None:
                    continue
                values = {k: getattr(fit, k) for k in _MMI_FIELDS
                          if getattr(fit, k) is not None}
                out[name] = values  # bind() drops the 1x2's imbalance slope
                out.setdefault("mzi_switch", {}).update(
                    {prefix + k: v for k, v in values.items()})
        return out

    def bind(self, models: Mapping[str, Callable[..., Any]]) -> dict[str, Callable[..., Any]]:
        """``models`` with the calibrated constants bound (``functools.partial``).

        A model without calibrated constants is returned as it is. Only keywords the model
        accepts are bound, so a calibration never breaks a model's signature.
        """
        overrides = self.model_overrides()
        bound: dict[str, Callable[..., Any]] = {}
        for name, model in models.items():
            accepted = inspect.signature(model).parameters
            kwargs = {k: v for k, v in overrides.get(name, {}).items() if k in accepted}
            bound[name] = functools.partial(model, **kwargs) if kwargs else model
        return bound


def default_calibration_path() -> Path:
    """``$QC_CALIBRATION_FILE`` if set, else the calibration shipped in ``qc_pdk/data``.

    The environment is read here, at the edge, never inside a model.

    Example:
        >>> default_calibration_path().name
        'calibration.json'
    """
    env = os.environ.get("QC_CALIBRATION_FILE")
    if env:
        return Path(env)
    import qc_pdk

    return Path(qc_pdk.__file__).resolve().parent / "data" / "calibration.json"


def load_calibration(path: str | os.PathLike[str] | None = None) -> Calibration:
    """Read and validate a calibration file; an absent file gives an empty calibration.

    Args:
        path: JSON file; default :func:`default_calibration_path`.

    Returns:
        the typed :class:`Calibration` (``source`` = the file read, or None).

    Raises:
        CalibrationError: the file exists but is not JSON or fails validation (the message
            names the file and the field).
    """
    p = Path(path) if path is not None else default_calibration_path()
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Calibration()
    except OSError as e:
        raise CalibrationError(f"{p}: cannot read the calibration file ({e.strerror})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise CalibrationError(f"{p}: not valid JSON ({e.msg}, line {e.lineno})") from None
    if not isinstance(data, dict):
        raise CalibrationError(f"{p}: a calibration file holds a JSON object of sections")
    try:
        cal = Calibration.model_validate(data)
    except ValidationError as e:
        from qc_pdk.yaml_file import format_validation_error

        raise CalibrationError(f"{p}: {format_validation_error(e)}") from None
    return cal.model_copy(update={"source": str(p)})
