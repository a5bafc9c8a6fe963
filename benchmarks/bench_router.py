"""Benchmark: the QuantaCore router against gdsfactory's own routers on the same problems.

Problems: a row of N qubitrons to a permuted row of N ring switches (single layer: the fewest
crossings is the number of inversions of the permutation), random pairs among obstacles, and
all-to-all among 12 nodes. Peers: ``route_astar`` net by net (ignoring / avoiding earlier
routes), ``route_single`` net by net and ``route_bundle`` for the row problem.

Per router: nets routed, crossings (QuantaCore: crossing cells; peers: pairs of nets whose
waveguides overlap are what they produce instead), overlapping pairs, total / max insertion
loss (dB, from the compact-model figures), DRC violations, wall time.

Run: ``python benchmarks/bench_router.py [--sizes 16,64,256] [--astar-cap-s 180]``.
"""

from __future__ import annotations

import argparse
import math
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import gdsfactory as gf
import klayout.db as kdb

from components import CELLS
from components.models.bend import bend_loss_dB_per_90deg
from components.models.waveguide import DEFAULT_LOSS_DB_PER_CM
from qc_pdk.drc import run_drc
from quantacore import activate
from routing.channel import count_inversions
from routing.router import Connection, route_nets

PITCH_UM = 240.0
ROW_Y_UM = 45.0
CHANNEL_UM_PER_NET = 45.0  # the planner needs ~15-40 um of tracks per net (crossing pitch, doglegs)


def row_to_bank(n: int, seed: int = 1) -> tuple[gf.Component, list[Connection], int]:
    """N qubitrons (pump port north) to a permuted row of N ring switches (port south)."""
    perm = list(range(n))
    random.Random(seed).shuffle(perm)
    c = gf.Component()  # unnamed: each build gets a unique cell name
    q, sw = CELLS["qubitron"](cross_section="strip_wg1"), CELLS["ring_switch"]()
    height = ROW_Y_UM + 300 + CHANNEL_UM_PER_NET * n
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


def _pin_cell() -> gf.Component:
    return CELLS["straight"](length=10.0)


def random_pairs(n: int, seed: int = 2) -> tuple[gf.Component, list[Connection], None]:
    """N nets between pins scattered on a lattice, with ring-switch obstacles in between."""
    rng = random.Random(seed)
    c = gf.Component()  # unnamed: each build gets a unique cell name
    side = int(math.ceil(math.sqrt(2 * n))) + 1
    cells = [(i, j) for i in range(side) for j in range(side)]
    rng.shuffle(cells)
    pin = _pin_cell()
    for k, (i, j) in enumerate(cells[: 2 * n]):
        r = c.add_ref(pin, name=f"p{k}")
        r.drotate(rng.choice([0, 90, 180, 270]))
        r.dmove((i * 300.0, j * 300.0))
    for k, (i, j) in enumerate(cells[2 * n : 2 * n + n // 2]):
        o = c.add_ref(CELLS["ring_switch"](), name=f"ob{k}")
        o.dmove((i * 300.0 - 50, j * 300.0 - 80))
    conns = [Connection(f"p{2 * k},o2", f"p{2 * k + 1},o2", name=f"n{k}") for k in range(n)]
    return c, conns, None


A2A_PORT_PITCH_UM = 45.0  # a 30 um bend clears a neighbour's crossing (R + crossing arm)
A2A_RING_RADIUS_UM = 2000.0


def all_to_all(nodes: int = 12) -> tuple[gf.Component, list[Connection], None]:
    """12 nodes on a ring, each with a row of ports facing the ring's centre (the Manhattan
    direction nearest to it), one per other node, ordered along the row by the bearing of
    the other node: 66 nets.

    Ports sit 45 um apart: at the 10 um of a dense bus, every 30 um bend out of the row would
    sweep over its neighbours, which no single-layer router can cross (a crossing needs
    straight arms); such rows fan out as an ordered bundle instead."""
    c = gf.Component()  # unnamed: each build gets a unique cell name
    pin = CELLS["straight"](length=5.0)
    centres = []
    for a in range(nodes):
        ang = 2 * math.pi * a / nodes
        centres.append((round(A2A_RING_RADIUS_UM * math.cos(ang) / 5) * 5,
                        round(A2A_RING_RADIUS_UM * math.sin(ang) / 5) * 5))
    port_of: dict[tuple[int, int], str] = {}
    units = [(1, 0), (0, 1), (-1, 0), (0, -1)]
    for a, (cx, cy) in enumerate(centres):
        facing = max(range(4), key=lambda f: -(units[f][0] * cx + units[f][1] * cy))
        ex, ey = -units[facing][1], units[facing][0]  # along the row
        fx, fy = units[facing]

        def bearing(b: int, cx: float = cx, cy: float = cy, fx: int = fx, fy: int = fy) -> float:
            """Angle of node b seen from here, from the facing direction, left positive:
            nodes behind the row come out at its ends, so their U-turns go outward."""
            dx, dy = centres[b][0] - cx, centres[b][1] - cy
            return math.atan2(fx * dy - fy * dx, fx * dx + fy * dy)

        others = sorted((b for b in range(nodes) if b != a), key=bearing)
        for k, b in enumerate(others):
            r = c.add_ref(pin, name=f"v{a}_{k}")
            r.drotate(90 * facing)  # the pin's o2 faces east before rotation
            off = A2A_PORT_PITCH_UM * (k - (nodes - 2) // 2)
            r.dmove((cx + ex * off, cy + ey * off))
            port_of[a, b] = f"v{a}_{k},o2"
    conns = [Connection(port_of[a, b], port_of[b, a], name=f"{a}-{b}")
             for a in range(nodes) for b in range(a + 1, nodes)]
    return c, conns, None


# ----------------------------------------------------------------------------- metrics
def _net_regions(c: gf.Component, before: set[str]) -> list[kdb.Region]:
    """WG1 region of each route instance group added after ``before`` (one group per net)."""
    layer = c.kcl.layer(1, 0)
    regions = []
    for inst in c.insts:
        if inst.name in before or inst.name.startswith("xing_"):
            continue
        r = kdb.Region(inst.cell.begin_shapes_rec(layer)).transformed(inst.trans)
        regions.append((inst, r))
    return regions


def overlapping_pairs(per_net: list[kdb.Region]) -> int:
    """Pairs of nets whose waveguides touch (box-prefiltered, then polygon AND)."""
    boxes = [r.bbox() for r in per_net]
    order = sorted(range(len(per_net)), key=lambda i: boxes[i].left)
    count = 0
    for a_i, a in enumerate(order):
        for b in order[a_i + 1 :]:
            if boxes[b].left > boxes[a].right:
                break
            if boxes[a].overlaps(boxes[b]) and not (per_net[a] & per_net[b]).is_empty():
                count += 1
    return count


def drc_count(c: gf.Component) -> int:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "bench.gds"
        c.write_gds(path)
        # route_bundle draws collision markers on a foreign layer: check the rest
        return run_drc(path, allow_unknown_layers=True).total_violations


def _route_loss(length_um: float, bends: int) -> float:
    return length_um * DEFAULT_LOSS_DB_PER_CM * 1e-4 + bends * bend_loss_dB_per_90deg(
        radius_um=30.0
    )


def run_peer(
    name: str, build: Callable, conns: list[Connection], how: str, cap_s: float
) -> dict:
    c, conns, _ = build()
    before = {i.name for i in c.insts}
    t0 = time.perf_counter()
    routed, losses, per_net = 0, [], []
    note = ""
    layer = c.kcl.layer(1, 0)
    for k, cn in enumerate(conns):
        if time.perf_counter() - t0 > cap_s:
            note = f"stopped after {k} nets at the {cap_s:.0f} s cap"
            break
        pa = c.insts[cn.source.split(",")[0]].ports[cn.source.split(",")[1]]
        pb = c.insts[cn.target.split(",")[0]].ports[cn.target.split(",")[1]]
        n0 = len(list(c.insts))
        try:
            if how == "single":
                r = gf.routing.route_single(c, pa, pb, cross_section="strip", auto_taper=False)
                length, bends = r.length * c.kcl.dbu, r.n_bend90
            else:
                avoid = [(1, 0)] if how == "astar_avoid" else None
                r = gf.routing.route_astar(c, pa, pb, cross_section="strip", bend="bend_euler",
                                           resolution=5, distance=3, avoid_layers=avoid)
                length, bends = r.length * c.kcl.dbu, r.n_bend90
        except Exception:
            continue
        routed += 1
        losses.append(_route_loss(length, bends))
        reg = kdb.Region()
        for inst in list(c.insts)[n0:]:
            reg += kdb.Region(inst.cell.begin_shapes_rec(layer)).transformed(inst.trans)
        per_net.append(reg)
    wall = time.perf_counter() - t0
    del before
    return dict(router=name, routed=routed, nets=len(conns), crossings=0,
                overlaps=overlapping_pairs(per_net), total=sum(losses),
                max=max(losses, default=0.0), drc=drc_count(c), time=wall, note=note)


def run_bundle(build: Callable) -> dict:
    c, conns, _ = build()
    p1 = [c.insts[x.source.split(",")[0]].ports["o1"] for x in conns]
    p2 = [c.insts[x.target.split(",")[0]].ports["o1"] for x in conns]
    t0 = time.perf_counter()
    n0 = len(list(c.insts))
    note = ""
    try:
        routes = gf.routing.route_bundle(c, p1, p2, cross_section="strip", auto_taper=False,
                                         on_collision=None)
        losses = [_route_loss(r.length * c.kcl.dbu, r.n_bend90) for r in routes]
    except Exception as e:  # route_bundle refuses permuted orders it cannot draw
        routes, losses, note = [], [], f"failed: {str(e).splitlines()[0][:60]}"
    wall = time.perf_counter() - t0
    layer = c.kcl.layer(1, 0)
    per_net = []
    for inst in list(c.insts)[n0:]:
        per_net.append(kdb.Region(inst.cell.begin_shapes_rec(layer)).transformed(inst.trans))
    return dict(router="gf route_bundle", routed=len(routes), nets=len(conns), crossings=0,
                overlaps=overlapping_pairs(per_net) if routes else 0, total=sum(losses),
                max=max(losses, default=0.0), drc=drc_count(c) if routes else -1, time=wall,
                note=note)


def run_ours(build: Callable) -> dict:
    c, conns, bound = build()
    t0 = time.perf_counter()
    res = route_nets(c, conns, crossing_lower_bound=bound)
    wall = time.perf_counter() - t0
    rep = res.report
    return dict(router="QuantaCore", routed=rep.routed, nets=len(conns),
                crossings=rep.total_crossings, overlaps=0, total=rep.total_insertion_loss_dB,
                max=rep.max_insertion_loss_dB, drc=drc_count(c), time=wall,
                note=f"inversion bound {bound}" if bound is not None else "", bound=bound)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="16,64,256")
    ap.add_argument("--astar-cap-s", type=float, default=180.0)
    ap.add_argument("--skip-peers-above", type=int, default=66)
    ap.add_argument("--rows-only", action="store_true", help="only the row-to-bank problems")
    ap.add_argument("--only", default="", help="only problems whose name contains this")
    args = ap.parse_args()
    activate()
    from loguru import logger  # gdsfactory's routers log every failed net at ERROR

    logger.remove()
    t0 = time.perf_counter()
    run_ours(lambda: row_to_bank(2))  # channel planner
    run_ours(lambda: random_pairs(2))  # compiles the search (numba; cached on disk after)
    print(f"QuantaCore warm-up (search compiled or loaded from cache): "
          f"{time.perf_counter() - t0:.1f} s")
    problems: list[tuple[str, Callable, bool]] = []
    for n in [int(s) for s in args.sizes.split(",")]:
        problems.append((f"row_to_bank N={n}", lambda n=n: row_to_bank(n), True))
    for n in () if args.rows_only else (16, 64):
        problems.append((f"random_pairs {n}", lambda n=n: random_pairs(n), False))
    if not args.rows_only:
        problems.append(("all_to_all 12", all_to_all, False))
    head = (f"{'problem':<20} {'router':<22} {'routed':>9} {'cross':>6} {'overlap':>7} "
            f"{'IL tot dB':>9} {'IL max dB':>9} {'DRC':>5} {'time s':>8}  note")
    print(head)
    print("-" * len(head))
    for pname, build, is_row in problems:
        if args.only not in pname:
            continue
        rows = [run_ours(build)]
        n = len(build()[1])
        if n <= args.skip_peers_above:
            rows.append(run_peer("gf route_single", build, [], "single", args.astar_cap_s))
            rows.append(run_peer("gf route_astar", build, [], "astar", args.astar_cap_s))
            rows.append(run_peer("gf route_astar avoid", build, [], "astar_avoid",
                                 args.astar_cap_s))
            if is_row:
                rows.append(run_bundle(build))
        else:
            print(f"{pname:<20} (gdsfactory peers skipped above {args.skip_peers_above} nets: "
                  f"route_astar would exceed the {args.astar_cap_s:.0f} s cap)")
        ours = rows[0]
        for r in rows:  # noqa: B007 - printed below
            ratio = ""
            if r is not ours and ours["time"] > 0:
                ratio = f"time / QuantaCore's = {r['time'] / ours['time']:.1f}x"
            print(f"{pname:<20} {r['router']:<22} {r['routed']:>4}/{r['nets']:<4} "
                  f"{r['crossings']:>6} {r['overlaps']:>7} {r['total']:>9.3f} {r['max']:>9.4f} "
                  f"{r['drc']:>5} {r['time']:>8.2f}  {r['note']} {ratio}".rstrip())


if __name__ == "__main__":
    main()
