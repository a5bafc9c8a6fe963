"""WDM demultiplexer: a bank of add-drop ring filters on one bus."""

from __future__ import annotations

import gdsfactory as gf
from gdsfactory.typings import CrossSectionSpec

from components._model_kwargs import wdm_kwargs
from components._wdm import wdm_bank
from components.models.ring import DEFAULT_RING_GAP_UM, DEFAULT_RING_RADIUS_UM
from components.models.wdm import DEFAULT_CHANNELS, DEFAULT_SPACING_NM
from components.models.wdm import wdm_demux as wdm_demux_model
from components.registry import OPTICAL, library_cell


@library_cell(
    ports={f"o{i}": OPTICAL for i in range(1, 7)},  # the default 4 channels
    model=wdm_demux_model,
    model_kwargs=wdm_kwargs,
    category="wdm",
)
@gf.cell
def wdm_demux(
    centre_wl_nm: float = 1550.0,
    spacing_nm: float = DEFAULT_SPACING_NM,
    channels: int = DEFAULT_CHANNELS,
    radius: float = DEFAULT_RING_RADIUS_UM,
    gap: float = DEFAULT_RING_GAP_UM,
    cross_section: CrossSectionSpec = "strip",
    channel_pitch_um: float | None = None,
) -> gf.Component:
    """N add-drop rings along one bus; ring k drops channel k (ascending wavelength).

    Ring radii come from ``components.resonance.wdm_ring_radii_um`` (one shared order m, ring k
    resonant at grid channel k); each ring's resonance is stored in
    ``info["ring_resonance_wl_nm"]`` and the grid in ``info["channel_wl_nm"]``. Drop ports are
    turned north by a 90-degree Euler bend so they can be routed independently.

    Args:
        centre_wl_nm: grid centre in nm.
        spacing_nm: channel spacing in nm (> 0; channels * spacing < ring FSR).
        channels: number of channels N (integer >= 1).
        radius: nominal ring radius in um (>= 20, rule WGn.R.1).
        gap: ring-to-bus gap in um (>= 0.25, rule WGn.S.1).
        cross_section: SiN cross-section.
        channel_pitch_um: None: rings 40 um apart (compact); else the channel ports' exact
            pitch in um (at least a ring's bus + 40 um), to sit on a row of cells at that
            pitch with straight routes.

    .. code::

          o3      o4     ...  o{N+2}      channel drops (north)
           |       |            |
           \\_ O    \\_ O   ...   \\_ O
        o1 ──────────────────────────── o2
        (bus in)                 (bus through)

    Raises:
        ValueError: channels < 1, non-positive spacing, radius / gap under the rules, or
            channels * spacing >= FSR.
    """
    return wdm_bank(
        kind="demux",
        centre_wl_nm=centre_wl_nm,
        spacing_nm=spacing_nm,
        channels=channels,
        radius=radius,
        gap=gap,
        cross_section=cross_section,
        channel_pitch_um=channel_pitch_um,
    )
