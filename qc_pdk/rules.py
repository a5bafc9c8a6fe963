"""The QuantaCore design rules: one typed table, the single source of truth.

The DRC engine (`qc_pdk.drc`), the KLayout deck exporter (`qc_pdk.drc_deck`), the cells'
parameter checks and `quantacore pdk --json` all read this table.

Units: lengths in um, areas in um^2 (``value`` says which by the rule's ``kind``).

Example:
    >>> from qc_pdk.rules import RULES, rule
    >>> rule("WG1.W.1").value
    0.5
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

RuleKind = Literal[
    "width", "space", "separation", "enclosure", "inside", "area", "bend_radius", "grid"
]


class DesignRule(BaseModel):
    """One design rule.

    Attributes:
        name: unique rule id, ``LAYER.KIND.N``.
        kind: what is measured (see ``RuleKind``).
        layer: the layer checked (``"*"`` for every layer, grid rules only).
        other: for separation / enclosure / inside: the other layer(s); a union when several.
        value: minimum, in um (um^2 for ``area``; 0 for ``inside``).
        reason: one line saying why the rule exists.
    """

    model_config = ConfigDict(frozen=True)

    name: str
    kind: RuleKind
    layer: str
    other: tuple[str, ...] = ()
    value: float = Field(ge=0)
    reason: str

    @property
    def unit(self) -> str:
        return "um2" if self.kind == "area" else "um"

    @property
    def layers(self) -> tuple[str, ...]:
        return (self.layer, *self.other)


def _r(
    name: str, kind: RuleKind, layer: str, value: float, reason: str, other: tuple[str, ...] = ()
) -> DesignRule:
    return DesignRule(name=name, kind=kind, layer=layer, other=other, value=value, reason=reason)


def _waveguide_rules(layer: str) -> list[DesignRule]:
    return [
        _r(
            f"{layer}.W.1",
            "width",
            layer,
            0.5,
            "SiN cores narrower than 0.5 um lose confinement and print unreliably",
        ),
        _r(
            f"{layer}.S.1",
            "space",
            layer,
            0.25,
            "SiN etch resolution; ring-bus gaps below 0.25 um do not open",
        ),
        _r(
            f"{layer}.A.1",
            "area",
            layer,
            1.0,
            "isolated SiN specks under 1 um^2 delaminate during cladding deposition",
        ),
        _r(
            f"{layer}.R.1",
            "bend_radius",
            layer,
            20.0,
            "radius of curvature < 20 um radiates > 0.85 dB/90deg at 1550 nm (3D vectorial, "
            "qc_pdk/data/mode_table.json); designs use >= 45 um for < 0.01 dB",
        ),
    ]


RULES: tuple[DesignRule, ...] = (
    *_waveguide_rules("WG1"),
    *_waveguide_rules("WG2"),
    *_waveguide_rules("WG3"),
    _r("HEATER.W.1", "width", "HEATER", 1.0, "TiN lines under 1 um burn out at tuning currents"),
    _r("HEATER.S.1", "space", "HEATER", 2.0, "TiN lift-off resolution and heater-to-heater shorts"),
    _r(
        "HEATER.WG2.1",
        "separation",
        "HEATER",
        1.0,
        "a heater edge within 1 um beside an uncovered WG2 core absorbs light and skews the mode",
        ("WG2",),
    ),
    _r(
        "HEATER.WG3.1",
        "separation",
        "HEATER",
        2.0,
        "TiN 0.5 um above a WG3 core absorbs its mode: keep heaters 2 um aside of WG3 cores",
        ("WG3",),
    ),
    _r("VIAC.W.1", "width", "VIAC", 1.0, "heater contact size for low contact resistance"),
    _r(
        "VIAC.EN.1",
        "enclosure",
        "VIAC",
        0.5,
        "heater must enclose its contact by 0.5 um",
        ("HEATER",),
    ),
    _r("VIAC.EN.2", "enclosure", "VIAC", 0.5, "M1 must enclose heater contact by 0.5 um", ("M1",)),
    _r("M1.W.1", "width", "M1", 2.0, "Al metal-1 electromigration at heater currents"),
    _r("M1.S.1", "space", "M1", 2.0, "Al metal-1 etch resolution"),
    _r("VIA1.W.1", "width", "VIA1", 1.0, "via size"),
    _r("VIA1.EN.1", "enclosure", "VIA1", 0.5, "M1 must enclose VIA1 by 0.5 um", ("M1",)),
    _r("VIA1.EN.2", "enclosure", "VIA1", 0.5, "M2 must enclose VIA1 by 0.5 um", ("M2",)),
    _r("M2.W.1", "width", "M2", 3.0, "Al metal-2 electromigration"),
    _r("M2.S.1", "space", "M2", 3.0, "Al metal-2 etch resolution"),
    _r("PAD.W.1", "width", "PAD", 40.0, "wire-bond / probe pad opening"),
    _r("PAD.EN.1", "enclosure", "PAD", 2.0, "M2 must enclose the pad opening by 2 um", ("M2",)),
    _r("NW.W.1", "width", "NW", 0.08, "NbN nanowires under 80 nm have constrictions (low yield)"),
    _r("NW.S.1", "space", "NW", 0.1, "e-beam proximity limit for NbN meanders"),
    _r(
        "EMITTER.IN.1",
        "inside",
        "EMITTER",
        0.0,
        "an emitter site must sit inside a SiN core to couple to the resonator mode",
        ("WG1", "WG2"),
    ),
    _r("TRENCH.W.1", "width", "TRENCH", 3.0, "deep-etch trench aspect ratio"),
    _r(
        "TRENCH.WG1.1",
        "separation",
        "TRENCH",
        3.0,
        "a trench within 3 um of a core perturbs the mode and adds loss",
        ("WG1",),
    ),
    _r(
        "TRENCH.WG2.1",
        "separation",
        "TRENCH",
        3.0,
        "a trench within 3 um of a core perturbs the mode and adds loss",
        ("WG2",),
    ),
    _r(
        "TRENCH.WG3.1",
        "separation",
        "TRENCH",
        3.0,
        "a trench within 3 um of a core perturbs the mode and adds loss",
        ("WG3",),
    ),
    _r("GRID.1", "grid", "*", 0.001, "every vertex on the 1 nm mask-writer grid"),
)

_BY_NAME: dict[str, DesignRule] = {r.name: r for r in RULES}
if len(_BY_NAME) != len(RULES):  # pragma: no cover - guards edits of the table
    raise RuntimeError("duplicate rule names in qc_pdk.rules.RULES")


def rule(name: str) -> DesignRule:
    """The rule called ``name``; raises ``KeyError`` listing valid names otherwise."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise KeyError(f"unknown rule {name!r}; known rules: {', '.join(_BY_NAME)}") from None


def min_width_um(layer: str) -> float:
    """Minimum drawn width (um) on ``layer``; 0 when the table has no width rule for it."""
    return max((r.value for r in RULES if r.kind == "width" and r.layer == layer), default=0.0)


def min_space_um(layer: str) -> float:
    """Minimum space (um) on ``layer``; 0 when the table has no space rule for it."""
    return max((r.value for r in RULES if r.kind == "space" and r.layer == layer), default=0.0)


def min_bend_radius_um(layer: str) -> float:
    """Minimum centreline bend radius (um) on ``layer``; 0 when unconstrained."""
    return max(
        (r.value for r in RULES if r.kind == "bend_radius" and r.layer == layer), default=0.0
    )
