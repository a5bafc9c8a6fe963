"""Routing problems shared by the router tests and ``benchmarks/bench_router.py``.

Each builder returns a fresh unnamed component (a unique cell name per build) with named pin
instances, and the connections to route.
"""

from __future__ import annotations

import math
import random

import gdsfactory as gf

from components import CELLS
from routing.channel import count_inversions
from routing.router import Connection

PIN_LENGTH_UM = 20.0
PITCH_UM = 260.0  # the WG1 qubitron with its 300 um interlayer coupler is 248 um wide
ROW_Y_UM = 45.0
CHANNEL_UM_PER_NET = 45.0  # the planner needs ~15-40 um of tracks per net (crossing pitch, doglegs)


def row_to_bank(n: int, seed: int = 1, channel_um_per_net: float = CHANNEL_UM_PER_NET
                ) -> tuple[gf.Component, list[Connection], int]:
    """N qubitrons (pump port north) to a permuted row of N ring switches (port south)."""
    perm = list(range(n))
    random.Random(seed).shuffle(perm)
    c = gf.Component()  # unnamed: each build gets a unique cell name
    q, sw = CELLS["qubitron"](cross_section="strip_wg1"), CELLS["ring_switch"]()
    height = ROW_Y_UM + 300 + channel_um_per_net * n
    for i in range(n):
        r = c.add_ref(q, name=f"q{i}")
        r.drotate(-90)
        r.dmove((i * PITCH_UM, ROW_Y_UM - 43))
        s = c.add_ref(sw, name=f"s{i}")
        s.drotate(90)
        s.dmove((i * PITCH_UM, height + 33))
    conns = [Connection(f"q{i},o1", f"s{perm[i]},o1", name=f"n{i}", bundle="bank")
             for i in range(n)]
    return c, conns, count_inversions(list(enumerate(perm)))


def half_shuffled(n: int, seed: int) -> list[int]:
    """The identity order with a random half of its positions shuffled among themselves."""
    rng = random.Random(seed)
    perm = list(range(n))
    picked = sorted(rng.sample(range(n), n // 2))
    moved = picked[:]
    rng.shuffle(moved)
    for i, j in zip(picked, moved, strict=True):
        perm[i] = j
    return perm


def facing_rows(
    n: int, *, pitch_um: float, channel_um: float, shift_um: float = 0.0,
    perm: list[int] | None = None, bundle: str | None = "bus",
) -> tuple[gf.Component, list[Connection]]:
    """Pins facing north at ``x = i * pitch_um`` and pins facing south ``channel_um`` above
    (x shifted by ``shift_um``); net i goes to target ``perm[i]``."""
    perm = list(range(n)) if perm is None else perm
    c = gf.Component()
    pin = CELLS["straight"](length=PIN_LENGTH_UM)
    for i in range(n):
        s = c.add_ref(pin, name=f"s{i}")
        s.drotate(90)
        s.dmove((i * pitch_um, 0))
        t = c.add_ref(pin, name=f"t{i}")
        t.drotate(-90)
        t.dmove((i * pitch_um + shift_um, channel_um + 2 * PIN_LENGTH_UM))
    conns = [Connection(f"s{i},o2", f"t{p},o2", name=f"n{i}", bundle=bundle)
             for i, p in enumerate(perm)]
    return c, conns


def random_pairs(n: int, seed: int = 2, spacing_um: float = 300.0,
                 obstacles: int | None = None) -> tuple[gf.Component, list[Connection]]:
    """N nets between pins scattered on a lattice, with ring-switch obstacles in between
    (``n // 2`` by default)."""
    rng = random.Random(seed)
    c = gf.Component()
    n_obst = n // 2 if obstacles is None else obstacles
    side = int(math.ceil(math.sqrt(2 * n + n_obst))) + 1
    cells = [(i, j) for i in range(side) for j in range(side)]
    rng.shuffle(cells)
    pin = CELLS["straight"](length=10.0)
    for k, (i, j) in enumerate(cells[: 2 * n]):
        r = c.add_ref(pin, name=f"p{k}")
        r.drotate(rng.choice([0, 90, 180, 270]))
        r.dmove((i * spacing_um, j * spacing_um))
    for k, (i, j) in enumerate(cells[2 * n : 2 * n + n_obst]):
        o = c.add_ref(CELLS["ring_switch"](), name=f"ob{k}")
        o.dmove((i * spacing_um - 50, j * spacing_um - 80))
    conns = [Connection(f"p{2 * k},o2", f"p{2 * k + 1},o2", name=f"n{k}") for k in range(n)]
    return c, conns


def die_crossing(n: int, *, width_um: float = 40_000.0, height_um: float = 25_000.0,
                 seed: int = 3) -> tuple[gf.Component, list[Connection]]:
    """N nets across a die: sources along the west edge, targets along the east edge,
    shuffled rows; one net runs corner to corner."""
    c = gf.Component()
    pin = CELLS["straight"](length=10.0)
    if n == 1:
        a = c.add_ref(pin, name="a0")
        a.dmove((0, 0))
        b = c.add_ref(pin, name="b0")
        b.drotate(90)
        b.dmove((width_um, height_um))
        return c, [Connection("a0,o2", "b0,o1", name="n0")]
    rng = random.Random(seed)
    order = list(range(n))
    rng.shuffle(order)
    step = height_um / n
    for i in range(n):
        a = c.add_ref(pin, name=f"a{i}")
        a.dmove((0, round(i * step / 5) * 5))
        b = c.add_ref(pin, name=f"b{i}")
        b.drotate(180)
        b.dmove((width_um, round(i * step / 5) * 5))
    conns = [Connection(f"a{i},o2", f"b{order[i]},o2", name=f"n{i}") for i in range(n)]
    return c, conns
