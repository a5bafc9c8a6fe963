"""Bad inputs raise ValueError naming the parameter."""

from __future__ import annotations

import numpy as np
import pytest

from thermal.analysis import analyse_thermal
from thermal.cooling import cooling_stage, laminar_h_W_per_m2K
from thermal.grid import graded_axis
from thermal.kernel import KernelOptions
from thermal.materials import conductivity_W_per_mK
from thermal.tuning import fabrication_offsets_nm, tune_rings


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: conductivity_W_per_mK(material="unobtainium"), "material"),
        (lambda: conductivity_W_per_mK(material="si", temperature_K=-3), "temperature_K"),
        (lambda: cooling_stage(temperature_K=0.0), "temperature_K"),
        (lambda: laminar_h_W_per_m2K(width_um=-1.0, height_um=5.0), "width_um"),
        (lambda: laminar_h_W_per_m2K(width_um=100.0, height_um=100.0, flow_uL_per_min=1e6),
         "flow_uL_per_min"),
        (lambda: graded_axis(breaks_um=[0, 1], fine_um=0.0, max_um=1.0), "fine_um"),
        (lambda: KernelOptions(window_um=-5.0).checked(), "window_um"),
        (lambda: fabrication_offsets_nm(n_rings=2, sigma_nm=-1.0), "sigma_nm"),
        (lambda: tune_rings(crosstalk_K_per_mW=np.eye(2), offset_nm=np.zeros(3),
                            shift_nm_per_K=np.ones(2), fsr_nm=np.ones(2),
                            linewidth_nm=np.ones(2), max_power_mW=1.0), "offset_nm"),
        (lambda: tune_rings(crosstalk_K_per_mW=np.eye(1), offset_nm=np.zeros(1),
                            shift_nm_per_K=np.ones(1), fsr_nm=np.ones(1),
                            linewidth_nm=np.ones(1), max_power_mW=0.0), "max_power_mW"),
        (lambda: analyse_thermal("/nonexistent/chip.gds"), "component_or_gds_path"),
        (lambda: analyse_thermal(42), "component_or_gds_path"),
        (lambda: analyse_thermal("/nonexistent.gds", loaded_q=-1.0), "loaded_q"),
    ],
)
def test_bad_input_names_the_parameter(call, name) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=name):
        call()
