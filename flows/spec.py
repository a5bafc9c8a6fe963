"""The chip spec: what `quantacore build` turns into a mask and its reports.

A YAML file validated by pydantic: unknown fields, wrong types and impossible combinations
(an array that does not divide into tiles, a WDM grid wider than the qubitron ring's FSR or
channels closer than its linewidth) are rejected with a message naming the field.

    name: demo_chip
    array: {rows: 2, columns: 8, tile_columns: 4}     # qubitrons; a tile is one row of 4
    qubitron: {radius_um: 50.0, gap_um: 0.5}
    wdm: {centre_nm: 1550.0, spacing_nm: 0.8}         # one channel per qubitron of a tile
    switch_network: {topology: tile_switch_bank}
    io: {coupler: grating}
    layers: {qubitron: WG2, routing: WG2}
    die: {width_um: 6000, height_um: 4000}

Example:
    >>> array = {"rows": 1, "columns": 4, "tile_columns": 4}
    >>> spec = ChipSpec.model_validate({"name": "x", "array": array})
    >>> spec.tiles, spec.wdm.channels(spec)
    ((1, 1), 4)
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from components.qubitron import loaded_q_estimate
from components.resonance import ring_fsr_nm
from flows.system import MAX_DIES, WaferMM
from qc_pdk.errors import InputError
from qc_pdk.limits import MAX_DIE_SIDE_UM, MAX_LENGTH_UM
from qc_pdk.rules import min_bend_radius_um, min_space_um
from qc_pdk.yaml_file import read_yaml_model
from routing.chip import ChipLayout
from routing.network import NetworkDesign
from routing.network_graph import split_trees
from routing.tile import TileDesign

#: beyond this ring-bus gap the evanescent coupling is nil (the loaded Q stops changing)
MAX_RING_GAP_UM = 5.0


def _no_booleans(value: object) -> object:
    # YAML reads `rows: true` as a boolean, which pydantic would take as 1
    items = value if isinstance(value, (list, tuple)) else [value]
    if any(isinstance(v, bool) for v in items):
        raise ValueError(f"expected a number, got {value!r}")
    return value


class _Strict(BaseModel):
    # finite numbers only: NaN and infinity would pass every bound and fail deep in the build
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    @field_validator("*", mode="before")
    @classmethod
    def _numbers_are_not_booleans(cls, value: object, info: object) -> object:
        return value if isinstance(value, str) else _no_booleans(value)


class ArraySpec(_Strict):
    """Qubitron array: ``rows`` x ``columns``, grouped in tiles of one row of ``tile_columns``."""

    rows: int = Field(default=2, ge=1, le=4096, description="qubitron rows")
    columns: int = Field(default=8, ge=1, le=4096, description="qubitron columns")
    tile_columns: int = Field(default=4, ge=1, le=64, description="qubitrons per tile (one row)")
    tile_pitch_um: (
        tuple[
            Annotated[float, Field(gt=0, le=MAX_DIE_SIDE_UM)],
            Annotated[float, Field(gt=0, le=MAX_DIE_SIDE_UM)],
        ]
        | None
    ) = Field(
        default=None, description="tile pitch (x, y) in um; default: tile size plus routing margin"
    )

    @model_validator(mode="after")
    def _tiles_divide(self) -> ArraySpec:
        if self.columns % self.tile_columns:
            raise ValueError(
                f"array.columns ({self.columns}) must be a multiple of array.tile_columns "
                f"({self.tile_columns})"
            )
        return self


class QubitronSpec(_Strict):
    """Qubitron cell parameters (see `quantacore cells`)."""

    # 50 um: 3D bend radiation 0.017 dB per round trip (40 um: 0.11 dB); see routing/tile.py
    radius_um: float = Field(default=50.0, le=MAX_LENGTH_UM, description="ring radius in um")
    # 0.5 um: 6.5 % power per bus with the vectorial mode decay (0.3 um: 15 %, a 0.16 nm
    # linewidth, too wide for 0.8 nm channels); drop 0.93 on resonance
    gap_um: float = Field(default=0.5, le=MAX_RING_GAP_UM, description="ring-bus gap in um")
    length_y_um: float = Field(
        default=30.0, ge=22.0, le=MAX_LENGTH_UM, description="racetrack straight in um (heater)"
    )

    @model_validator(mode="after")
    def _rules(self) -> QubitronSpec:
        r_min = min_bend_radius_um("WG2")
        if self.radius_um < r_min:
            raise ValueError(
                f"qubitron.radius_um {self.radius_um} is below the minimum bend radius {r_min} um"
            )
        s_min = min_space_um("WG2")
        if self.gap_um < s_min:
            raise ValueError(f"qubitron.gap_um {self.gap_um} is below the minimum space {s_min} um")
        return self

    @property
    def round_trip_um(self) -> float:
        return 2 * math.pi * self.radius_um + 2 * self.length_y_um


class WdmSpec(_Strict):
    """WDM grid: one channel per qubitron of a tile, centred on ``centre_nm``."""

    centre_nm: float = Field(default=1550.0, gt=1200.0, lt=1700.0, description="grid centre in nm")
    spacing_nm: float = Field(default=0.8, gt=0.0, description="channel spacing in nm")

    def channels(self, spec: ChipSpec) -> int:
        return spec.array.tile_columns


class SwitchNetworkSpec(_Strict):
    """How qubitron outputs are switched: each tile's qubitrons to a bank of ring switches."""

    topology: Literal["tile_switch_bank"] = "tile_switch_bank"


class NetworkSpec(_Strict):
    """How tiles are joined to the chip's fibres (``routing.network``)."""

    topology: Literal["none", "switch_tree"] = Field(
        default="switch_tree",
        description="none: each tile has its own pump, Stokes and readout fibre couplers; "
        "switch_tree: binary trees of 1x2 MZI switches join every tile to three chip fibres",
    )
    node: Literal["mzi_switch"] = Field(default="mzi_switch", description="tree node cell")
    channel_um: float = Field(default=300.0, ge=150.0, le=5000.0,
                              description="room for the tree's nodes, bends and detours (um)")
    row_gap_um: float = Field(default=150.0, ge=20.0, le=5000.0,
                              description="gap between tile rows the tree joins (um)")
    feed: Literal["switched", "broadcast"] = Field(
        default="switched",
        description="how the pump and Stokes trees are driven: switched: each MZI set to one "
        "half, one tile per time slot (full power, the other tiles idle); broadcast: MZIs "
        "unheated, a 3 dB split per level, every tile fed at once (one slot, 3 dB less "
        "power per level). The readout tree is switched either way",
    )

    def split_trees(self) -> tuple[str, ...]:
        """The trees whose MZIs are left unheated (passive splitters)."""
        return split_trees(self.feed)


class RoutingSpec(_Strict):
    """What places and routes each tile."""

    tile_router: Literal["quantacore", "gf_route_bundle"] = Field(
        default="quantacore",
        description="quantacore: the project's router with its 3D planner; gf_route_bundle: "
        "gdsfactory's route_bundle per bank (for comparison)",
    )
    tile_placement: Literal["column", "compact", "legacy"] = Field(
        default="column",
        description="column: WDM banks stretched to the qubitron pitch, every route a "
        "straight drop (densest); compact: banks packed with fan-outs (the pump routes can "
        "be length-matched by meanders); legacy: fixed margins (routing.tile.TileDesign)",
    )


class IOSpec(_Strict):
    """Fibre I/O couplers of each tile."""

    coupler: Literal["grating", "edge"] = "grating"


class LayerUsage(_Strict):
    """Which SiN layer carries the qubitrons and the routing (the Stokes feed takes the
    other one)."""

    qubitron: Literal["WG1", "WG2"] = "WG2"
    routing: Literal["WG1", "WG2"] = "WG2"

    @model_validator(mode="after")
    def _one_layer(self) -> LayerUsage:
        # the tile joins each qubitron to its switch through a 20 um straight: no room for
        # the two 310 um interlayer couplers a layer change takes (routing.tile)
        if self.qubitron != self.routing:
            raise ValueError(
                f"layers.routing ({self.routing}) must equal layers.qubitron ({self.qubitron}): "
                "a qubitron's output joins its switch through a 20 um straight, too short for "
                "interlayer couplers"
            )
        return self


class ElectronicsBlock(_Strict):
    """A block of classical electronics on the chip: a box (um, die frame) dissipating power."""

    name: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
    xmin_um: float = Field(ge=0.0, le=MAX_DIE_SIDE_UM)
    ymin_um: float = Field(ge=0.0, le=MAX_DIE_SIDE_UM)
    xmax_um: float = Field(ge=0.0, le=MAX_DIE_SIDE_UM)
    ymax_um: float = Field(ge=0.0, le=MAX_DIE_SIDE_UM)
    power_mW: float = Field(ge=0.0, le=1e6, description="dissipated power, mW")

    @model_validator(mode="after")
    def _has_area(self) -> ElectronicsBlock:
        if not (self.xmax_um > self.xmin_um and self.ymax_um > self.ymin_um):
            raise ValueError(f"electronics block {self.name}: xmax/ymax must exceed xmin/ymin")
        return self


class ThermalSpec(_Strict):
    """Operating point of the thermal analysis (``quantacore thermal``, the build's section)."""

    temperature_K: float = Field(
        default=4.0, ge=1.0, le=400.0,
        description="heat-sink temperature in K (the SNSPDs need a ~1-4 K stage)",
    )
    fab_sigma_nm: float = Field(
        default=0.2, ge=0.0, le=10.0,
        description="standard deviation of fabricated ring resonance offsets in nm",
    )
    seed: int = Field(default=0, ge=0, description="seed of the fabrication-offset draw")
    max_heater_power_mW: float = Field(
        default=500.0, gt=0.0, le=10_000.0, description="largest power of one heater in mW"
    )
    electronics: tuple[ElectronicsBlock, ...] = Field(
        default=(), description="electronics blocks: heat load and ring heating"
    )


class ControlSpec(_Strict):
    """Optical drive of the qubitrons: launched powers and the STIRAP pulse pair."""

    pump_power_mW: float = Field(
        default=1e-4, gt=0.0, le=100.0,
        description="pump power launched into the pump fibre coupler, mW (design choice)",
    )
    stokes_power_mW: float = Field(
        default=1e-4, gt=0.0, le=100.0,
        description="Stokes power launched into the Stokes fibre coupler, mW (design choice)",
    )
    pulse_fwhm_ns: float = Field(default=20.0, gt=0.0, le=10_000.0, description="pulse FWHM, ns")
    pulse_delay_ns: float = Field(
        default=12.0, ge=-10_000.0, le=10_000.0,
        description="pump centre minus Stokes centre, ns (> 0: Stokes first, counter-intuitive)",
    )
    pulse_shape: Literal["gaussian", "sin2"] = "gaussian"


class DieSpec(_Strict):
    """Die outline in um (checked against the placed array)."""

    width_um: float = Field(default=10000.0, gt=0, le=MAX_DIE_SIDE_UM)
    height_um: float = Field(default=10000.0, gt=0, le=MAX_DIE_SIDE_UM)


class SystemSpec(_Strict):
    """Identical copies of this die: a processor larger than one die (``flows.system``)."""

    dies: int = Field(
        default=1, ge=1, le=MAX_DIES,
        description="identical dies of this spec (each with its own fibres); the mask is "
        "built and checked once, the report adds the system's counts, wafers and heat load",
    )
    wafer_mm: WaferMM = Field(default=300, description="wafer diameter the dies are made on, mm")


class ChipSpec(_Strict):
    """The whole chip (one die; ``system`` repeats it)."""

    name: str = Field(default="quantacore_chip", pattern=r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
    array: ArraySpec = ArraySpec()
    qubitron: QubitronSpec = QubitronSpec()
    wdm: WdmSpec = WdmSpec()
    switch_network: SwitchNetworkSpec = SwitchNetworkSpec()
    network: NetworkSpec = NetworkSpec()
    routing: RoutingSpec = RoutingSpec()
    io: IOSpec = IOSpec()
    layers: LayerUsage = LayerUsage()
    die: DieSpec = DieSpec()
    thermal: ThermalSpec = ThermalSpec()
    control: ControlSpec = ControlSpec()
    system: SystemSpec = SystemSpec()

    @property
    def tiles(self) -> tuple[int, int]:
        """(tile rows, tile columns) of the array."""
        return self.array.rows, self.array.columns // self.array.tile_columns

    @property
    def n_qubitrons(self) -> int:
        return self.array.rows * self.array.columns

    def tile_design(self) -> TileDesign:
        """The tile this spec asks for (placement and routing take it from here)."""
        return TileDesign(
            qubitrons=self.array.tile_columns,
            radius_um=self.qubitron.radius_um,
            gap_um=self.qubitron.gap_um,
            length_y_um=self.qubitron.length_y_um,
            wdm_centre_nm=self.wdm.centre_nm,
            wdm_spacing_nm=self.wdm.spacing_nm,
            qubitron_layer=self.layers.qubitron,
            routing_layer=self.layers.routing,
            io_coupler=self.io.coupler,
            router=self.routing.tile_router,
            placement=self.routing.tile_placement,
        )

    def chip_layout(self) -> ChipLayout:
        """The tile array on the die this spec asks for."""
        rows, cols = self.tiles
        return ChipLayout(
            name=self.name,
            tile=self.tile_design(),
            rows=rows,
            columns=cols,
            tile_pitch_um=self.array.tile_pitch_um,
            die_width_um=self.die.width_um,
            die_height_um=self.die.height_um,
            # the feed is how the switches are driven, not what is drawn
            network=NetworkDesign(**self.network.model_dump(exclude={"feed"})),
        )

    @model_validator(mode="after")
    def _wdm_fits_ring(self) -> ChipSpec:
        n = self.wdm.channels(self)
        fsr = ring_fsr_nm(radius_um=self.qubitron.radius_um,
                          straight_um=2 * self.qubitron.length_y_um, wl_nm=self.wdm.centre_nm)
        q = loaded_q_estimate(self.qubitron.round_trip_um, self.qubitron.gap_um, self.wdm.centre_nm)
        linewidth = self.wdm.centre_nm / q
        if fsr / n <= 5 * linewidth:  # no spacing fits: the ring itself is the problem
            raise ValueError(
                f"qubitron: a ring of {self.qubitron.round_trip_um:.6g} um round trip "
                f"(radius_um {self.qubitron.radius_um:g}, length_y_um "
                f"{self.qubitron.length_y_um:g}) has an FSR of {fsr:.4g} nm, too small for {n} "
                f"channels of >= 5 linewidths ({5 * linewidth:.4g} nm) each; use a smaller ring"
            )
        if n * self.wdm.spacing_nm >= fsr:
            raise ValueError(
                f"wdm.spacing_nm: {n} channels x {self.wdm.spacing_nm} nm does not fit in the "
                f"qubitron ring's FSR of {fsr:.3f} nm (channels would alias); use spacing_nm < "
                f"{fsr / n:.3f}"
            )
        if self.wdm.spacing_nm < 5 * linewidth:
            raise ValueError(
                f"wdm.spacing_nm {self.wdm.spacing_nm} nm is too small for the qubitron ring: "
                f"its linewidth is {linewidth:.4f} nm and channels need >= 5 linewidths "
                f"({5 * linewidth:.4f} nm) to keep crosstalk low"
            )
        return self


class SpecError(InputError):
    """A spec that cannot be built; the message names the field."""


def load_spec(path: str | Path | None) -> ChipSpec:
    """Read and validate a chip spec (YAML); ``None`` gives the built-in default chip.

    Raises:
        SpecError: missing/unreadable file, bad YAML, or a field that fails validation.
    """
    if path is None:
        return default_chip()
    return read_yaml_model(path, ChipSpec, what="a chip spec", error=SpecError)


def default_chip() -> ChipSpec:
    """The built-in default chip: 2 x 2 tiles of 4 qubitrons with their WDM and switches,
    joined by the switch trees to three chip fibres."""
    return ChipSpec(
        name="quantacore_default",
        array=ArraySpec(rows=2, columns=8, tile_columns=4),
        die=DieSpec(width_um=8000.0, height_um=5500.0),
    )


def write_json_schema(path: str | Path) -> Path:
    """JSON schema of the chip spec, for editors (YAML language servers)."""
    from flows.output import atomic_file

    text = json.dumps(ChipSpec.model_json_schema(), indent=2)
    return atomic_file(path, lambda tmp: tmp.write_text(text), option="--schema")
