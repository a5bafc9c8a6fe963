"""The route spec (YAML) for ``quantacore route``: instances to place, connections to route.

Example:
    >>> spec = RouteSpec.model_validate({
    ...     "instances": {"a": {"cell": "straight", "settings": {"length": 20}},
    ...                   "b": {"cell": "straight", "x": 220}},
    ...     "connections": [{"from": "a,o2", "to": "b,o1"}]})
    >>> spec.connections[0].source, spec.settings.radius_um
    ('a,o2', 30.0)
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, TypedDict

import gdsfactory as gf
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    field_validator,
    model_validator,
)

from components import CELLS
from components.gallery import check_bounds
from qc_pdk.errors import InputError
from qc_pdk.layers import WAVEGUIDE_LAYERS
from qc_pdk.limits import MAX_DIE_SIDE_UM, MAX_RADIUS_UM
from qc_pdk.yaml_file import read_yaml_model
from routing.negotiate import NegotiationParams
from routing.router import Connection

# Coordinates stay on a die: far inside KLayout's int32 range of 1 nm units (qc_pdk.limits).
_Coordinate = Annotated[float, Field(ge=-MAX_DIE_SIDE_UM, le=MAX_DIE_SIDE_UM, allow_inf_nan=False)]
_Length = Annotated[float, Field(le=MAX_DIE_SIDE_UM, allow_inf_nan=False)]


class InstanceSpec(BaseModel):
    """A cell from the library placed at (x, y) um, rotated by a multiple of 90 deg."""

    model_config = ConfigDict(extra="forbid")
    cell: str
    settings: dict[str, Any] = Field(default_factory=dict)
    x: _Coordinate = 0.0
    y: _Coordinate = 0.0
    rotation: StrictInt = 0

    @model_validator(mode="after")
    def _settings_in_bounds(self) -> InstanceSpec:
        for key, value in self.settings.items():
            check_bounds(self.cell, key, value)  # CellInputError is a ValueError: named field
        return self

    @field_validator("cell")
    @classmethod
    def _known(cls, v: str) -> str:
        if v not in CELLS:
            raise ValueError(f"unknown cell {v!r}; valid cells: {', '.join(sorted(CELLS))}")
        return v

    @field_validator("rotation")
    @classmethod
    def _manhattan(cls, v: int) -> int:
        if v % 90:
            raise ValueError(f"rotation must be a multiple of 90 deg, got {v}")
        return v


class ConnectionSpec(BaseModel):
    """``from`` / ``to`` as ``"instance,port"``; optional WDM channel, bundle and name."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    source: str = Field(alias="from")
    target: str = Field(alias="to")
    channel: int | None = Field(default=None, ge=0)
    bundle: str | None = None
    name: str | None = None


class RouterOptions(TypedDict):
    """What ``route_nets`` and ``route_nets_multilayer`` take from the route settings."""

    radius_um: float
    pitch_um: float
    keepout_um: float
    margin_um: float | None
    heuristic_weight: float
    schedule: NegotiationParams


class RouteSettings(BaseModel):
    """Router settings (lengths in um)."""

    model_config = ConfigDict(extra="forbid")
    cross_section: str = "strip"
    radius_um: float = Field(default=30.0, gt=0, le=MAX_RADIUS_UM, allow_inf_nan=False)
    pitch_um: _Length = Field(default=5.0, gt=0)
    keepout_um: _Length = Field(default=3.0, ge=0)
    margin_um: _Length | None = Field(default=None, ge=0)
    heuristic_weight: float = Field(default=2.0, ge=1.0, le=100.0, allow_inf_nan=False)
    # more effort where nets are left unrouted: whole negotiations in seeded shuffles of the
    # net order (``NegotiationParams.shuffle_rounds``; time on incomplete problems only)
    shuffle_rounds: int = Field(default=NegotiationParams.shuffle_rounds, ge=0, le=100)
    # search states the retries (rounds and shuffles) of one negotiation may expand, ~1 M a
    # second (``NegotiationParams.retry_max_expansions``; None: no bound)
    retry_max_expansions: int | None = Field(
        default=NegotiationParams.retry_max_expansions, ge=0)
    # waveguide layers for the 3D planner (routing.multilayer); None: planar on cross_section
    layers: list[str] | None = Field(default=None, min_length=1)

    @field_validator("layers")
    @classmethod
    def _waveguide_layers(cls, v: list[str] | None) -> list[str] | None:
        return None if v is None else parse_layers(v)

    def router_options(self) -> RouterOptions:
        """The keyword arguments both routers take from these settings (lengths in um)."""
        return RouterOptions(radius_um=self.radius_um, pitch_um=self.pitch_um,
                             keepout_um=self.keepout_um, margin_um=self.margin_um,
                             heuristic_weight=self.heuristic_weight,
                             schedule=NegotiationParams(
                                 shuffle_rounds=self.shuffle_rounds,
                                 retry_max_expansions=self.retry_max_expansions))


def parse_layers(names: list[str] | str) -> list[str]:
    """Waveguide layer names from a list or ``"WG1,WG2"``, checked and distinct.

    Example:
        >>> parse_layers("WG1, WG2")
        ['WG1', 'WG2']

    Raises:
        ValueError: an unknown or repeated layer (named).
    """
    items = [x.strip() for x in names.split(",")] if isinstance(names, str) else list(names)
    for x in items:
        if x not in WAVEGUIDE_LAYERS:
            raise ValueError(f"{x!r} is not a waveguide layer; choose from "
                             f"{', '.join(WAVEGUIDE_LAYERS)}")
    if len(set(items)) != len(items) or not items:
        raise ValueError(f"layers {items}: give one or more distinct waveguide layers")
    return items


class RouteSpec(BaseModel):
    """A whole routing job."""

    model_config = ConfigDict(extra="forbid")
    name: str = "routed"
    instances: dict[str, InstanceSpec]
    connections: list[ConnectionSpec] = Field(min_length=1)
    settings: RouteSettings = Field(default_factory=RouteSettings)

    def connection_list(self) -> list[Connection]:
        return [Connection(c.source, c.target, c.channel, c.bundle, c.name)
                for c in self.connections]

    def build(self) -> gf.Component:
        """The component with every instance placed (no routes yet)."""
        old = gf.kcl.layout_cell(self.name)
        if old is not None:  # a previous job in this process: replace it, same name in the GDS
            gf.kcl[old.cell_index()].delete()
        c = gf.Component(self.name)
        for name, inst in sorted(self.instances.items()):
            try:
                cell = CELLS[inst.cell](**inst.settings)
            except (TypeError, ValueError) as e:
                raise RouteSpecError(f"instances.{name}.settings: {e}") from None
            ref = c.add_ref(cell, name=name)
            ref.drotate(inst.rotation)
            ref.dmove((inst.x, inst.y))
        return c


class RouteSpecError(InputError):
    """A route spec that cannot be placed (the message names the field)."""


def load_spec(path: str | Path) -> RouteSpec:
    """Read and validate a route spec.

    Raises:
        RouteSpecError: unreadable file, bad YAML or a field that fails validation (named).
    """
    return read_yaml_model(path, RouteSpec, what="a route spec (instances, connections)",
                           error=RouteSpecError)
