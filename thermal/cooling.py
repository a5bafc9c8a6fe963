"""Cooling: the stage that holds the chip (its cooling power) and microfluidic channels.

Cooling stages (cooling power available to the chip, W):

* ``"4K"`` pulse-tube stage: 1.0 W, the low end of "~1-1.5 W"
  [ref: Cooling power of cryogenic stages (typical)];
* ``"1K"`` stage: 0.03 W, "tens of mW" [ref: Cooling power of cryogenic stages (typical)];
* ``"room"``: 10 W for a packaged photonic die on a thermo-electric cooler: an **estimate**
  (typical TEC modules move 5-20 W); microchannels can remove far more
  [ref: Microchannel cooling].

Microfluidic channels: fully developed laminar flow has a constant Nusselt number, so the
wall heat-transfer coefficient is h = Nu k_fluid / D_h, D_h = 4 A / perimeter. Nu = 4.36 for a
circular duct at constant wall heat flux (Incropera & DeWitt, Fundamentals of Heat and Mass
Transfer, 6th ed., eq. 8.53); laminar needs Re = rho v D_h / mu < 2300 (ibid., sec. 8.1).

Example:
    >>> round(laminar_h_W_per_m2K(width_um=50.0, height_um=50.0), 0)
    52320.0
    >>> cooling_stage(temperature_K=4.0).name
    '4K'
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from components.models.sdict import check_positive

__all__ = [
    "NU_LAMINAR_CIRCULAR_CONST_FLUX",
    "CoolantChannel",
    "CoolingStage",
    "cooling_stage",
    "hydraulic_diameter_um",
    "laminar_h_W_per_m2K",
    "reynolds_number",
]

NU_LAMINAR_CIRCULAR_CONST_FLUX = 4.36  # Incropera & DeWitt eq. 8.53
WATER_K_W_PER_MK = 0.60  # water at 300 K, CRC Handbook
WATER_DENSITY_KG_PER_M3 = 997.0
WATER_VISCOSITY_PA_S = 8.9e-4
LAMINAR_RE_LIMIT = 2300.0


class CoolingStage(BaseModel):
    """A cooling stage: name, temperature (K), cooling power (W) and its source."""

    model_config = ConfigDict(frozen=True)

    name: str
    temperature_K: float
    cooling_power_W: float
    source: str
    estimate: bool


STAGES: dict[str, CoolingStage] = {
    "1K": CoolingStage(
        name="1K", temperature_K=1.0, cooling_power_W=0.03, estimate=True,
        source="[ref: Cooling power of cryogenic stages (typical)] 1 K stages tens of mW",
    ),
    "4K": CoolingStage(
        name="4K", temperature_K=4.0, cooling_power_W=1.0, estimate=False,
        source="[ref: Cooling power of cryogenic stages (typical)] 4 K pulse tube ~1-1.5 W",
    ),
    "room": CoolingStage(
        name="room", temperature_K=300.0, cooling_power_W=10.0, estimate=True,
        source="estimate: thermo-electric cooler of a packaged die (5-20 W modules)",
    ),
}


def cooling_stage(*, temperature_K: float) -> CoolingStage:
    """The stage for an operating temperature: <= 2 K -> 1K, <= 20 K -> 4K, else room.

    Args:
        temperature_K: chip (heat-sink) temperature in K, 1-400.

    Returns:
        the ``CoolingStage``; its ``temperature_K`` is the stage's nominal temperature.

    Example:
        >>> cooling_stage(temperature_K=300.0).cooling_power_W
        10.0
    """
    t = check_positive("temperature_K", temperature_K, "K")
    if t > 400.0:
        raise ValueError(f"temperature_K must be <= 400 K, got {temperature_K!r}")
    if t <= 2.0:
        return STAGES["1K"]
    if t <= 20.0:
        return STAGES["4K"]
    return STAGES["room"]


def hydraulic_diameter_um(*, width_um: float, height_um: float) -> float:
    """Hydraulic diameter 4 A / P of a rectangular channel (um).

    Example:
        >>> hydraulic_diameter_um(width_um=100.0, height_um=50.0)
        66.66666666666667
    """
    w = check_positive("width_um", width_um, "um")
    h = check_positive("height_um", height_um, "um")
    return 4.0 * w * h / (2.0 * (w + h))


def reynolds_number(
    *,
    width_um: float,
    height_um: float,
    flow_uL_per_min: float,
    density_kg_per_m3: float = WATER_DENSITY_KG_PER_M3,
    viscosity_Pa_s: float = WATER_VISCOSITY_PA_S,
) -> float:
    """Reynolds number rho v D_h / mu of a rectangular channel carrying ``flow_uL_per_min``.

    Example:
        >>> round(reynolds_number(width_um=100.0, height_um=50.0, flow_uL_per_min=100.0), 1)
        24.9
    """
    d_m = hydraulic_diameter_um(width_um=width_um, height_um=height_um) * 1e-6
    q = check_positive("flow_uL_per_min", flow_uL_per_min, "uL/min") * 1e-9 / 60.0
    area_m2 = float(width_um) * float(height_um) * 1e-12
    v = q / area_m2
    rho = check_positive("density_kg_per_m3", density_kg_per_m3, "kg/m^3")
    mu = check_positive("viscosity_Pa_s", viscosity_Pa_s, "Pa s")
    return rho * v * d_m / mu


def laminar_h_W_per_m2K(
    *,
    width_um: float,
    height_um: float,
    fluid_k_W_per_mK: float = WATER_K_W_PER_MK,
    nusselt: float = NU_LAMINAR_CIRCULAR_CONST_FLUX,
    flow_uL_per_min: float | None = None,
) -> float:
    """Wall heat-transfer coefficient h = Nu k / D_h of fully developed laminar flow.

    Args:
        width_um, height_um: channel cross-section in um (> 0).
        fluid_k_W_per_mK: coolant conductivity (default water at 300 K, 0.60 W/m/K).
        nusselt: Nusselt number (default 4.36, circular duct, constant flux).
        flow_uL_per_min: if given, checks the flow is laminar (Re < 2300, else ValueError).

    Returns:
        h in W/(m^2 K).

    Example:
        >>> round(laminar_h_W_per_m2K(width_um=100.0, height_um=100.0) / 1e3, 1)
        26.2
    """
    d_um = hydraulic_diameter_um(width_um=width_um, height_um=height_um)
    k = check_positive("fluid_k_W_per_mK", fluid_k_W_per_mK, "W/m/K")
    nu = check_positive("nusselt", nusselt, "")
    if flow_uL_per_min is not None:
        re = reynolds_number(width_um=width_um, height_um=height_um,
                             flow_uL_per_min=flow_uL_per_min)
        if re >= LAMINAR_RE_LIMIT:
            raise ValueError(
                f"flow_uL_per_min={flow_uL_per_min} gives Re={re:.0f} >= {LAMINAR_RE_LIMIT:.0f}: "
                "the laminar Nusselt correlation does not apply"
            )
    return nu * k / (d_um * 1e-6)


class CoolantChannel(BaseModel):
    """A microfluidic channel: a box (um) of coolant at ``fluid_temperature_K`` (None = sink).

    Its walls are convective (Robin) boundaries with ``h_W_per_m2K`` (default: laminar,
    h = Nu k / D_h from the box's cross-section normal to ``axis``).

    Example:
        >>> ch = CoolantChannel(xmin_um=-5, xmax_um=5, ymin_um=-100, ymax_um=100,
        ...                     zmin_um=-4, zmax_um=6)
        >>> round(ch.h(), -2)
        261600.0
    """

    model_config = ConfigDict(frozen=True)

    xmin_um: float
    xmax_um: float
    ymin_um: float
    ymax_um: float
    zmin_um: float
    zmax_um: float
    axis: str = "y"
    h_W_per_m2K: float | None = None
    fluid_k_W_per_mK: float = WATER_K_W_PER_MK
    fluid_temperature_K: float | None = None

    def h(self) -> float:
        """Heat-transfer coefficient of the walls in W/(m^2 K)."""
        if self.h_W_per_m2K is not None:
            return check_positive("h_W_per_m2K", self.h_W_per_m2K, "W/m^2/K")
        dx = self.xmax_um - self.xmin_um
        dy = self.ymax_um - self.ymin_um
        dz = self.zmax_um - self.zmin_um
        if self.axis not in ("x", "y"):
            raise ValueError(f"axis must be 'x' or 'y', got {self.axis!r}")
        width = dx if self.axis == "y" else dy
        return laminar_h_W_per_m2K(width_um=width, height_um=dz,
                                   fluid_k_W_per_mK=self.fluid_k_W_per_mK)
