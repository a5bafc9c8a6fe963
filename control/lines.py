"""Control lines and bond pads of a chip, and whether the die edge holds the pads.

Counts are read hierarchically from the layout with KLayout (nothing is flattened): each
cell's own shapes are read once, and a cell's number of placements under the top cell is the
sum over its parents' instances of the parent's placements times the instance's array size.

* **Heaters**: cells that draw a resistive HEATER region themselves (HEATER not covered by M1
  of the cell's subtree: ``components._heater.qc_straight_heater``). A heater placed by a cell
  whose subtree holds an emitter site (EMITTER layer: the ``qubitron``) is a qubitron heater;
  any other (the ``ring_switch``) is a switch heater. Each heater is wired to the pads of its
  own subtree (two, e1 / e2): those are its control lines.
* **Detectors**: the lowest cells whose subtree holds both NW (nanowire) shapes and bond pads
  (``components.snspd``); their pads (two: the qubitron's e3 / e4) are readout lines.
* **Bond pads**: PAD (passivation opening) polygons, merged per cell. Pads placed as
  instances named ``heater_pad_*`` (``routing.heater_wiring``: each tile's row of pads wired
  to its heaters) are the heater lines brought to the tile edge: counted as ``fanout_pads``,
  they are not extra lines.

What the die edge holds: one row of pads along each side, at the pitch ``PAD_SIZE_UM`` plus
the pad spacing (the larger of the PAD and M2 space rules: the pads are M2 squares), the four
corner squares left empty. When the pads do not fit, the heaters are addressed as a matrix
(row-column): one line per row and per column, which assumes a diode (or a transistor) in
series with each heater so that only the heater at the driven row and column conducts.

Example:
    >>> c = ControlCounts(qubitron_heaters=4, switch_heaters=4, detectors=4, heater_pads=16,
    ...                   detector_pads=8, pads=24, die_width_um=6000.0, die_height_um=5000.0)
    >>> r = control_lines_from_counts(counts=c)
    >>> r.pads_die_edge_holds, r.fits, r.scheme
    (256, True, 'direct')
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any, Literal

import klayout.db as kdb
from pydantic import BaseModel, ConfigDict, Field

from components.bond_pad import PAD_SIZE_UM
from components.registry import ELECTRICAL, REGISTRY
from qc_pdk.layers import LAYER
from qc_pdk.rules import min_space_um

__all__ = [
    "ControlCounts",
    "ControlLines",
    "control_lines",
    "control_lines_from_counts",
    "design_counts",
    "edge_pad_capacity",
    "pad_pitch_um",
    "read_control_counts",
]

AddressingScheme = Literal["direct", "row_column"]

PADS_PER_HEATER = 2  # e1 / e2 of components._heater.qc_straight_heater
# instance-name prefix of the tile's heater pad row (routing.heater_wiring names them so; kept
# here as a string: control may not import routing)
FANOUT_PAD_PREFIX = "heater_pad_"

ROW_COLUMN_ASSUMPTION = (
    "row-column addressing: heaters wired as a matrix (one line per row and per column) with "
    "a diode or transistor in series with each heater, so only the addressed heater conducts; "
    "heaters are driven in turn (time multiplexed), not all at once"
)


def _lt(layer: Any) -> tuple[int, int]:
    return (int(layer.layer), int(layer.datatype)) if hasattr(layer, "layer") else tuple(layer)


def pad_pitch_um() -> float:
    """Centre-to-centre pitch (um) of bond pads in a row: pad side plus the pad spacing.

    The rule table has no PAD space rule (``min_space_um("PAD")`` is 0); the pads are M2
    squares, so M2.S.1 sets their spacing.

    Example:
        >>> pad_pitch_um()
        83.0
    """
    return PAD_SIZE_UM + max(min_space_um("PAD"), min_space_um("M2"))


def edge_pad_capacity(
    *, die_width_um: float, die_height_um: float, pad_size_um: float = PAD_SIZE_UM,
    pitch_um: float | None = None,
) -> int:
    """Bond pads one row along the four die edges holds (corner squares left empty).

    Example:
        >>> edge_pad_capacity(die_width_um=40000.0, die_height_um=40000.0)
        1920
    """
    pitch = pad_pitch_um() if pitch_um is None else pitch_um
    space = pitch - pad_size_um

    def side(length_um: float) -> int:
        return max(0, math.floor((length_um - 2 * pad_size_um + space) / pitch + 1e-9))

    return 2 * (side(die_width_um) + side(die_height_um))


class ControlCounts(BaseModel):
    """Heaters, detectors and bond pads of a chip, and its die size (um)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    qubitron_heaters: int = Field(ge=0)
    switch_heaters: int = Field(ge=0)
    detectors: int = Field(ge=0)
    heater_pads: int = Field(ge=0, description="pads wired to heaters (control lines)")
    detector_pads: int = Field(ge=0, description="pads wired to detectors (readout lines)")
    pads: int = Field(ge=0, description="every PAD opening of the chip")
    fanout_pads: int = Field(
        default=0, ge=0,
        description="pads of the tiles' heater pad rows (the heater lines at the tile edge)",
    )
    die_width_um: float = Field(gt=0)
    die_height_um: float = Field(gt=0)

    @property
    def heaters(self) -> int:
        return self.qubitron_heaters + self.switch_heaters


class ControlLines(BaseModel):
    """Control lines and pads of a chip, what the die edge holds and the addressing to use.

    ``control_lines`` are the heaters' lines as drawn (two per heater), ``readout_lines`` the
    detectors'. With ``scheme == "row_column"`` the heaters become a ``matrix_rows`` x
    ``matrix_columns`` matrix and need ``control_lines_with_scheme`` = rows + columns lines;
    the detectors keep their own lines (``pads_with_scheme`` counts both).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    qubitron_heaters: int
    switch_heaters: int
    detectors: int
    control_lines: int
    readout_lines: int
    pads_on_chip: int
    pad_pitch_um: float
    die_width_um: float
    die_height_um: float
    pads_die_edge_holds: int
    fits: bool
    scheme: AddressingScheme
    matrix_rows: int | None = None
    matrix_columns: int | None = None
    control_lines_with_scheme: int
    pads_with_scheme: int
    fits_with_scheme: bool
    assumptions: list[str]


def design_counts(
    *, qubitrons: int, switches: int, die_width_um: float, die_height_um: float
) -> ControlCounts:
    """Counts of a design from its cell numbers and the cells' declared electrical ports.

    Each ``qubitron`` and ``ring_switch`` carries one heater with two pads; the qubitron's
    other electrical ports (e3 / e4) are its detector's.

    Example:
        >>> design_counts(qubitrons=4, switches=4, die_width_um=6e3, die_height_um=5e3).pads
        24
    """
    import components  # noqa: F401  - fills the registry

    def electrical(cell: str) -> int:
        return sum(1 for kind in REGISTRY[cell].ports.values() if kind == ELECTRICAL)

    det_pads = qubitrons * (electrical("qubitron") - PADS_PER_HEATER)
    heater_pads = PADS_PER_HEATER * (qubitrons + switches)
    return ControlCounts(
        qubitron_heaters=qubitrons, switch_heaters=switches, detectors=qubitrons,
        heater_pads=heater_pads, detector_pads=det_pads,
        pads=qubitrons * electrical("qubitron") + switches * electrical("ring_switch"),
        die_width_um=die_width_um, die_height_um=die_height_um,
    )


def _own_region(ly: kdb.Layout, cell: kdb.Cell, lt: tuple[int, int]) -> kdb.Region:
    li = ly.find_layer(*lt)
    return kdb.Region() if li is None else kdb.Region(cell.shapes(li))


def _has_rec(ly: kdb.Layout, cell: kdb.Cell, lt: tuple[int, int]) -> bool:
    li = ly.find_layer(*lt)
    return li is not None and not kdb.RecursiveShapeIterator(ly, cell, li).at_end()


def read_control_counts(
    component: Any, *, die_width_um: float | None = None, die_height_um: float | None = None
) -> ControlCounts:
    """Heaters, detectors and pads of a gdsfactory Component, read with KLayout.

    Args:
        component: the chip (a gdsfactory Component; its KLayout cell is read in place).
        die_width_um: die width; default: the top cell's FLOORPLAN outline (else its bbox).
        die_height_um: die height; default as ``die_width_um``.

    Example:
        >>> import gdsfactory as gf
        >>> from components.ring_switch import ring_switch
        >>> c = gf.Component()
        >>> _ = c.add_ref(ring_switch(), columns=3, rows=1, column_pitch=400.0, row_pitch=1.0)
        >>> n = read_control_counts(c)
        >>> n.switch_heaters, n.qubitron_heaters, n.heater_pads, n.pads
        (3, 0, 6, 6)
    """
    ly: kdb.Layout = component.kcl.layout
    top: kdb.Cell = component.kdb_cell
    heater_lt, m1_lt = _lt(LAYER.HEATER), _lt(LAYER.M1)
    pad_lt, nw_lt, em_lt = _lt(LAYER.PAD), _lt(LAYER.NW), _lt(LAYER.EMITTER)
    under = set(top.called_cells()) | {top.cell_index()}
    # placements of every cell under the top (top-down: parents before children)
    occ: dict[int, int] = defaultdict(int)
    occ[top.cell_index()] = 1
    # pads in each cell's subtree (bottom-up: children before parents)
    pads_rec: dict[int, int] = {}
    for ci in ly.each_cell_bottom_up():
        if ci not in under:
            continue
        cell = ly.cell(ci)
        n = _own_region(ly, cell, pad_lt).merged().count()
        for inst in cell.each_inst():
            n += inst.size() * pads_rec[inst.cell_index]
        pads_rec[ci] = n
    heater_cells = set()
    for ci in under:
        cell = ly.cell(ci)
        own = _own_region(ly, cell, heater_lt)
        if own.is_empty():
            continue
        li_m1 = ly.find_layer(*m1_lt)
        m1 = kdb.Region() if li_m1 is None else kdb.Region(cell.begin_shapes_rec(li_m1))
        if not (own - m1).is_empty():
            heater_cells.add(ci)
    nw = {ci for ci in under if _has_rec(ly, ly.cell(ci), nw_lt)}
    det_candidates = {ci for ci in nw if pads_rec[ci] > 0}
    detector_cells = {
        ci for ci in det_candidates
        if not any(ch in det_candidates for ch in ly.cell(ci).called_cells())
    }
    emitter = {ci for ci in under if _has_rec(ly, ly.cell(ci), em_lt)}
    q_heaters = s_heaters = detectors = heater_pads = det_pads = pads = fanout = 0
    for ci in ly.each_cell_top_down():
        if ci not in under:
            continue
        cell = ly.cell(ci)
        k = occ[ci]
        if k == 0:
            continue
        pads += k * _own_region(ly, cell, pad_lt).merged().count()
        if ci in detector_cells:
            detectors += k
            det_pads += k * pads_rec[ci]
        for inst in cell.each_inst():
            child, m = inst.cell_index, k * inst.size()
            occ[child] += m
            name = inst.property(0)  # kfactory keeps instance names in GDS property 0
            if isinstance(name, str) and name.startswith(FANOUT_PAD_PREFIX):
                fanout += m * pads_rec[child]
            if child in heater_cells:
                heater_pads += m * pads_rec[child]
                if ci in emitter:
                    q_heaters += m
                else:
                    s_heaters += m
    if die_width_um is None or die_height_um is None:
        outline = _own_region(ly, top, _lt(LAYER.FLOORPLAN))
        box = (outline if not outline.is_empty() else kdb.Region(top.bbox())).bbox()
        w, h = box.width() * ly.dbu, box.height() * ly.dbu
        die_width_um = w if die_width_um is None else die_width_um
        die_height_um = h if die_height_um is None else die_height_um
    return ControlCounts(
        qubitron_heaters=q_heaters, switch_heaters=s_heaters, detectors=detectors,
        heater_pads=heater_pads, detector_pads=det_pads, pads=pads, fanout_pads=fanout,
        die_width_um=die_width_um, die_height_um=die_height_um,
    )


def control_lines_from_counts(*, counts: ControlCounts) -> ControlLines:
    """Lines, pads, what the die edge holds and the addressing scheme, from ``counts``.

    Direct drive (each heater on its own two pads) when the chip's pads fit along the die
    edge; otherwise row-column addressing of the heaters (a near-square matrix: rows =
    ceil(sqrt(heaters)), columns = ceil(heaters / rows)).

    Example:
        >>> c = design_counts(qubitrons=1024 * 1024, switches=1024 * 1024,
        ...                   die_width_um=40000.0, die_height_um=40000.0)
        >>> r = control_lines_from_counts(counts=c)
        >>> r.fits, r.scheme, r.control_lines_with_scheme
        (False, 'row_column', 2897)
    """
    holds = edge_pad_capacity(die_width_um=counts.die_width_um, die_height_um=counts.die_height_um)
    # one die-edge pad per line: the tile rows' pads are heater lines already counted
    edge_pads = counts.pads - counts.fanout_pads
    fits = edge_pads <= holds
    other_pads = edge_pads - counts.heater_pads - counts.detector_pads
    assumptions = [
        f"one row of {PAD_SIZE_UM:g} um pads along each die edge at {pad_pitch_um():g} um "
        "pitch (M2.S.1 spacing; the rule table has no PAD space rule), corners left empty",
        "detectors keep two readout lines each in every scheme",
        "heater lines are drawn to a pad row at each tile's edge (routing.heater_wiring); "
        "from there to the die edge is a count comparison",
    ]
    rows = cols = None
    if fits or counts.heaters == 0:
        scheme: AddressingScheme = "direct"
        lines_scheme = counts.heater_pads
    else:
        scheme = "row_column"
        rows = math.isqrt(counts.heaters - 1) + 1
        cols = -(-counts.heaters // rows)
        lines_scheme = rows + cols
        assumptions.append(ROW_COLUMN_ASSUMPTION)
    pads_scheme = lines_scheme + counts.detector_pads + other_pads
    return ControlLines(
        qubitron_heaters=counts.qubitron_heaters,
        switch_heaters=counts.switch_heaters,
        detectors=counts.detectors,
        control_lines=counts.heater_pads,
        readout_lines=counts.detector_pads,
        pads_on_chip=counts.pads,
        pad_pitch_um=pad_pitch_um(),
        die_width_um=counts.die_width_um,
        die_height_um=counts.die_height_um,
        pads_die_edge_holds=holds,
        fits=fits,
        scheme=scheme,
        matrix_rows=rows,
        matrix_columns=cols,
        control_lines_with_scheme=lines_scheme,
        pads_with_scheme=pads_scheme,
        fits_with_scheme=pads_scheme <= holds,
        assumptions=assumptions,
    )


def control_lines(
    component: Any, *, die_width_um: float | None = None, die_height_um: float | None = None
) -> ControlLines:
    """:func:`read_control_counts` of ``component`` then :func:`control_lines_from_counts`.

    Example:
        >>> import gdsfactory as gf
        >>> from components.qubitron import qubitron
        >>> c = gf.Component()
        >>> _ = c << qubitron()
        >>> r = control_lines(c, die_width_um=2000.0, die_height_um=2000.0)
        >>> r.qubitron_heaters, r.detectors, r.control_lines, r.readout_lines, r.pads_on_chip
        (1, 1, 2, 2, 4)
    """
    counts = read_control_counts(
        component, die_width_um=die_width_um, die_height_um=die_height_um
    )
    return control_lines_from_counts(counts=counts)
