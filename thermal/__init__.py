"""Thermal analysis of QuantaCore layouts: heaters, temperature maps, crosstalk, tuning power,
cooling and the cryostat's budget.

Entry points: :func:`analyse_thermal` (layout -> :class:`ThermalReport`) and
:func:`write_thermal_outputs` (report -> files). The pieces: ``layout`` (hierarchical
extraction), ``problem`` / ``solver`` / ``transient`` (finite-volume conduction), ``kernel`` and
``crosstalk`` (one solve per heater class), ``thermo_optic``, ``tuning``, ``materials`` (k(T),
dn/dT(T)), ``cooling`` (stages, microfluidic channels).
"""

from thermal.analysis import AreaSource, RingThermal, ThermalReport, analyse_thermal
from thermal.cooling import CoolantChannel, cooling_stage, laminar_h_W_per_m2K
from thermal.outputs import temperature_map_K, write_thermal_outputs

__all__ = [
    "AreaSource",
    "CoolantChannel",
    "RingThermal",
    "ThermalReport",
    "analyse_thermal",
    "cooling_stage",
    "laminar_h_W_per_m2K",
    "temperature_map_K",
    "write_thermal_outputs",
]
