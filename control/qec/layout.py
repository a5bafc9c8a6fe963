"""Rotated surface-code patch and its placement on the chip's grid of qubitrons.

Code coordinates follow stim's generated circuits: data qubits at (2i+1, 2j+1) for i, j in
[0, d); measure qubits at even (x, y) in [0, 2d], X-type where (x + y) / 2 is odd, Z-type
where it is even; X-type measure qubits sit on the y = 0 / 2d boundaries, Z-type on the
x = 0 / 2d ones. Interaction orders (offset data - measure qubit, one per CX layer) are stim's,
so hook errors run against the logical operators and the circuit distance is d.

Chip grid (a model choice, stated here once): the spec's array is ``rows`` x ``columns``
qubitrons grouped in tiles of one row of ``tile_columns``; qubitron k of tile (r, c) sits at
grid cell (row r, column c * tile_columns + k), and the noise table lists qubitrons in
row-major order of that grid (the order ``noise_table`` gets them from the chip). The network
connects grid nearest neighbours: adjacent channels of a tile's bus, and the same position of
adjacent tiles through the switch network. Code qubits (x, y) (x + y even) go to grid cell

    row = (x + y) / 2,  column = (x - y) / 2 + d

which turns the code's diagonal neighbours (x +- 1, y +- 1) into grid nearest neighbours, so
every CX of the circuit is between qubitrons the network connects. A patch is a diamond of
2d^2 - 1 qubitrons in a (2d + 1) x (2d + 1) box. When the patch is larger than the chip, the
chip's grid is repeated as a unit cell (a chip made of copies of this one): the noise of code
qubit -> cell (row mod rows, column mod columns).

Example:
    >>> code = RotatedSurfaceCode(distance=3)
    >>> len(code.data), len(code.x_measure), len(code.z_measure)
    (9, 4, 4)
    >>> grid = ChipGrid(rows=2, columns=8, tile_columns=4)
    >>> grid.tile_of(grid.index(row=1, column=5))
    (1, 1, 1)
    >>> sorted(code.grid_cell(q) for q in code.data)[:2]
    [(1, 3), (2, 2)]
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

__all__ = [
    "X_ORDER",
    "Z_ORDER",
    "ChipGrid",
    "Coord",
    "RotatedSurfaceCode",
]

Coord = tuple[int, int]

# offsets (dx, dy) from a measure qubit to its data qubit in CX layers 1..4 (stim's orders)
X_ORDER: tuple[Coord, ...] = ((1, 1), (-1, 1), (1, -1), (-1, -1))
Z_ORDER: tuple[Coord, ...] = ((1, 1), (1, -1), (-1, 1), (-1, -1))


@dataclass(frozen=True)
class RotatedSurfaceCode:
    """Qubit coordinates and CX schedule of a distance-``distance`` rotated surface code."""

    distance: int

    def __post_init__(self) -> None:
        if isinstance(self.distance, bool) or not isinstance(self.distance, int):
            raise ValueError(f"distance must be an odd integer >= 3, got {self.distance!r}")
        if self.distance < 3 or self.distance % 2 == 0:
            raise ValueError(f"distance must be an odd integer >= 3, got {self.distance}")

    @cached_property
    def data(self) -> tuple[Coord, ...]:
        """Data-qubit coordinates, row-major in y then x."""
        d = self.distance
        return tuple((2 * i + 1, 2 * j + 1) for j in range(d) for i in range(d))

    def _measure(self, kind: str) -> tuple[Coord, ...]:
        d, out = self.distance, []
        for j in range(d + 1):
            for i in range(d + 1):
                x, y = 2 * i, 2 * j
                is_x = (i + j) % 2 == 1
                if (kind == "X") != is_x:
                    continue
                if is_x and x in (0, 2 * d):
                    continue
                if not is_x and y in (0, 2 * d):
                    continue
                out.append((x, y))
        return tuple(out)

    @cached_property
    def x_measure(self) -> tuple[Coord, ...]:
        """X-type measure qubits (their stabilisers detect Z errors)."""
        return self._measure("X")

    @cached_property
    def z_measure(self) -> tuple[Coord, ...]:
        """Z-type measure qubits (their stabilisers detect X errors)."""
        return self._measure("Z")

    @cached_property
    def measure(self) -> tuple[Coord, ...]:
        """All measure qubits, sorted by (y, x)."""
        return tuple(sorted(self.x_measure + self.z_measure, key=lambda q: (q[1], q[0])))

    @cached_property
    def qubits(self) -> tuple[Coord, ...]:
        """Every qubit (data then measure)."""
        return self.data + self.measure

    def cx_layer(self, layer: int) -> list[tuple[Coord, Coord]]:
        """(control, target) pairs of CX layer 0..3: X-type measure qubits control their data
        qubits, data qubits control Z-type measure qubits."""
        data = set(self.data)
        pairs: list[tuple[Coord, Coord]] = []
        for m in self.measure:
            is_x = m in self.x_measure_set
            dx, dy = (X_ORDER if is_x else Z_ORDER)[layer]
            q = (m[0] + dx, m[1] + dy)
            if q in data:
                pairs.append((m, q) if is_x else (q, m))
        return pairs

    @cached_property
    def x_measure_set(self) -> frozenset[Coord]:
        return frozenset(self.x_measure)

    def stabiliser_support(self, m: Coord) -> list[Coord]:
        """Data qubits of the stabiliser measured by ``m``."""
        data = set(self.data)
        return [q for dx, dy in X_ORDER if (q := (m[0] + dx, m[1] + dy)) in data]

    def logical_support(self, basis: str) -> list[Coord]:
        """Data qubits of the logical operator of ``basis`` ("Z": row y = 1, "X": column x = 1)."""
        if basis == "Z":
            return [q for q in self.data if q[1] == 1]
        if basis == "X":
            return [q for q in self.data if q[0] == 1]
        raise ValueError(f"basis must be 'X' or 'Z', got {basis!r}")

    def grid_cell(self, q: Coord) -> tuple[int, int]:
        """(row, column) of code qubit ``q`` in the patch's own (2d + 1)^2 grid box."""
        x, y = q
        return (x + y) // 2, (x - y) // 2 + self.distance

    @property
    def n_qubits(self) -> int:
        """2 d^2 - 1."""
        return 2 * self.distance**2 - 1


@dataclass(frozen=True)
class ChipGrid:
    """The chip's qubitron grid: ``rows`` x ``columns``, tiles of one row of ``tile_columns``."""

    rows: int
    columns: int
    tile_columns: int

    def __post_init__(self) -> None:
        for name in ("rows", "columns", "tile_columns"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                raise ValueError(f"{name} must be a positive integer, got {v!r}")
        if self.columns % self.tile_columns:
            raise ValueError(
                f"columns ({self.columns}) must be a multiple of tile_columns "
                f"({self.tile_columns})"
            )

    @property
    def n_qubitrons(self) -> int:
        return self.rows * self.columns

    def index(self, *, row: int, column: int) -> int:
        """Row of the noise table of grid cell (row, column), wrapping around the chip."""
        return (row % self.rows) * self.columns + (column % self.columns)

    def tile_of(self, index: int) -> tuple[int, int, int]:
        """(tile row, tile column, k) of noise-table row ``index``."""
        r, col = divmod(index, self.columns)
        return r, col // self.tile_columns, col % self.tile_columns

    def neighbours(self, index: int) -> list[int]:
        """Noise-table rows the network connects to ``index`` (grid nearest neighbours)."""
        r, c = divmod(index, self.columns)
        out = []
        for dr, dc in ((-1, 0), (1, 0), (0, -1), (0, 1)):
            rr, cc = r + dr, c + dc
            if 0 <= rr < self.rows and 0 <= cc < self.columns:
                out.append(rr * self.columns + cc)
        return out

    def patches(self, distance: int) -> int:
        """Distance-``distance`` patches that fit side by side (each in its (2d+1)^2 box)."""
        box = 2 * distance + 1
        return (self.rows // box) * (self.columns // box)

    def patch_upper_bound(self, distance: int) -> int:
        """Patches if the qubitrons could be packed without waste: n // (2 d^2 - 1)."""
        return self.n_qubitrons // (2 * distance**2 - 1)

    @classmethod
    def single_row(cls, n_qubitrons: int) -> ChipGrid:
        """A chip of one tile row holding ``n_qubitrons`` (for tables without a layout)."""
        return cls(rows=1, columns=n_qubitrons, tile_columns=n_qubitrons)
