"""Optical and thermal material data of the QuantaCore stack, each figure with its source.

Units are in the field names: refractive indices are dimensionless at the stated wavelength,
thermo-optic coefficients in 1/K, thermal conductivities in W/(m K).

Sources marked ``[ref: ...]`` are rows of ``shared/reference/published_figures.md``; the
others are standard handbook values cited in full.

Example:
    >>> from qc_pdk.materials import MATERIALS
    >>> round(MATERIALS["sin"].n_at_1550nm, 3)
    1.996
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Material(BaseModel):
    """One material: index at 1550 nm, group index of the bulk, dn/dT, thermal conductivity."""

    model_config = ConfigDict(frozen=True)

    name: str
    n_at_1550nm: float
    group_index_bulk: float
    dn_dT_per_K: float
    thermal_conductivity_W_per_mK: float
    source_n: str
    source_dn_dT: str
    source_thermal_conductivity: str


MATERIALS: dict[str, Material] = {
    "sin": Material(
        name="sin",
        n_at_1550nm=1.996,
        group_index_bulk=2.04,
        dn_dT_per_K=2.45e-5,
        thermal_conductivity_W_per_mK=25.0,
        source_n="Luke et al., Opt. Lett. 40, 4823 (2015), LPCVD Si3N4 Sellmeier at 1550 nm",
        source_dn_dT="Arbabi & Goddard, Opt. Lett. 38, 3878 (2013), Si3N4 at 1550 nm",
        source_thermal_conductivity="[ref: Thermal conductivity, SiN core ~20-30 W/m/K] mid value",
    ),
    "sio2": Material(
        name="sio2",
        n_at_1550nm=1.444,
        group_index_bulk=1.462,
        dn_dT_per_K=8.5e-6,
        thermal_conductivity_W_per_mK=1.38,
        source_n="Malitson, JOSA 55, 1205 (1965), fused silica Sellmeier at 1550 nm",
        source_dn_dT="[ref: SiO2 thermo-optic coefficient 8.5e-6 /K, gplugins heater model]",
        source_thermal_conductivity="[ref: Thermal conductivity SiO2 1.38 W/m/K]",
    ),
    "si": Material(
        name="si",
        n_at_1550nm=3.476,
        group_index_bulk=3.6,
        dn_dT_per_K=1.86e-4,
        thermal_conductivity_W_per_mK=148.0,
        source_n="Li, J. Phys. Chem. Ref. Data 9, 561 (1980), Si at 1550 nm, 293 K",
        source_dn_dT="[ref: Si thermo-optic coefficient 1.86e-4 /K, Nanophotonics 2020-0496]",
        source_thermal_conductivity="[ref: Thermal conductivity Si 148 W/m/K]",
    ),
    "tin": Material(
        name="tin",
        n_at_1550nm=1.5,  # metal: only k matters optically; heaters sit clear of the mode
        group_index_bulk=1.5,
        dn_dT_per_K=0.0,
        thermal_conductivity_W_per_mK=28.0,
        source_n="not used optically (absorbing metal kept >= 1 um from cores)",
        source_dn_dT="not used",
        source_thermal_conductivity="[ref: Thermal conductivity TiN heater 28 W/m/K]",
    ),
    "al": Material(
        name="al",
        n_at_1550nm=1.44,
        group_index_bulk=1.44,
        dn_dT_per_K=0.0,
        thermal_conductivity_W_per_mK=237.0,
        source_n="not used optically",
        source_dn_dT="not used",
        source_thermal_conductivity="CRC Handbook of Chemistry and Physics, Al at 300 K",
    ),
    "nbn": Material(
        name="nbn",
        n_at_1550nm=5.2,
        group_index_bulk=5.2,
        dn_dT_per_K=0.0,
        thermal_conductivity_W_per_mK=4.0,
        source_n="Banerjee et al., Opt. Mater. Express 8, 2072 (2018), NbN n~5.2+5.8i at 1550 nm",
        source_dn_dT="not used",
        source_thermal_conductivity="thin-film NbN, order-of-magnitude (superconductor at 2.5 K)",
    ),
}
