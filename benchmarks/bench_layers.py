"""Benchmark: the 3D stacking planner against planar routing of the same nets.

Problems: all-to-all among 12 nodes (66 nets, ``bench_router.all_to_all``) and the row-to-bank
permutations (N = 16, 64, ``bench_router.row_to_bank``). Each is routed planar on WG1 by the
QuantaCore router, then by ``route_nets_multilayer`` on WG1+WG2 and on WG1+WG2+WG3, all in
this process, each on a fresh copy of the problem. Printed per run: nets routed, crossings
(drawn crossing cells), layer changes (interlayer couplers), total / worst insertion loss
(route plus couplers, calibrated compact models) and wall time; for the planner also the
plan's estimated crossings and the exact-vs-heuristic gap where both ran. The planner runs
twice: with conflicts estimated from proxy paths, and "(planar)" with the crossings of the
planar routing of the same nets. Wall time and CPU time (this process plus the forked layer
workers) are both printed: the planner routes its layers in parallel processes, so on a
loaded machine the wall time is what the other jobs leave it.

On K12 two more WG1+WG2 rows isolate the routing options: "1 process" (the layers one after
the other) and "router price" (the search pricing a crossing at the router's fast default,
``SEARCH_CROSSING_COST_DB``, instead of the calibrated price the plan uses). After each
problem a line gives the ratios: the planner's loss over planar, its crossings over planar,
and the parallel speed-up.

References for K12 (nodes in convex position, chords): C(12, 4) = 495 crossings drawn as
straight chords (a published planar router's figure), 150 on two pages (a published two-layer
planner's figure; the 2-page book crossing number of K12), 153 for K12's planar crossing
number. K12 has thickness 3, but here each node's ports are one row, facing into the ring,
in the circular order of the other nodes, so every layer's routes leave every node in the
order of the straight convex drawing: a crossing-free layer is then a plane embedding with
that rotation, which holds at most 2n - 3 = 21 chords (proved in ``routing.book_plan``), so
three layers hold 63 < 66 and keep at least 3 crossings. 0 crossings on three layers needs
another port geometry: "all-to-all K12 (both-side ports)" (``all_to_all(ports="both")``)
gives each node a second row facing out of the ring and lets the plan choose which of a
node's ports serves which net (a switch or fan-out node), so each layer has an inside and an
outside book page; K12's book thickness is 6 = 3 layers x 2 sides, and the planner's page
colouring (``routing.book_plan``: the Bernhart-Kainen construction as a start, greedy and
local search) finds a crossing-free plan, which is routed page by page, innermost chords
first (``routing.book_route``). Its ring is 2500 um (not 2000 um): two-step coupler chains
out of neighbouring nodes' inner rows would meet on the smaller ring.

Run: ``python benchmarks/bench_layers.py [--sizes 16,64] [--skip-a2a-planar] [--no-a2a]
[--no-rtb] [--no-both] [--only-both]``.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_router import all_to_all, row_to_bank  # noqa: E402

from quantacore import activate  # noqa: E402
from routing.multilayer import (  # noqa: E402
    layer_costs_from_models,
    planar_crossing_pairs,
    route_nets_multilayer,
)
from routing.router import SEARCH_CROSSING_COST_DB, route_nets  # noqa: E402


def _cpu_s() -> float:
    """CPU seconds of this process and its reaped children (the forked layer workers)."""
    me, kids = (resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _planar(build: Callable) -> dict:
    c, conns = build()[:2]
    t0, cpu0 = time.perf_counter(), _cpu_s()
    rep = route_nets(c, conns).report
    return dict(how="planar WG1", routed=rep.routed, nets=len(conns),
                crossings=rep.total_crossings, changes=0,
                total=rep.total_insertion_loss_dB, max=rep.max_insertion_loss_dB,
                time=time.perf_counter() - t0, cpu=_cpu_s() - cpu0, est="", gap="",
                clean=rep.check.clean, pairs=planar_crossing_pairs(c))


def _layers(build: Callable, layers: tuple[str, ...],
            pairs: list[tuple[str, str]] | None = None, label: str = "", **options: Any
            ) -> dict:
    c, conns = build()[:2]
    t0, cpu0 = time.perf_counter(), _cpu_s()
    rep = route_nets_multilayer(c, conns, layers=layers, crossing_pairs=pairs,
                                **options).report
    gap = rep.heuristic_gap_dB
    how = "+".join(layers) + (" (planar)" if pairs is not None else "") + label
    return dict(how=how, routed=rep.routed, nets=len(conns),
                crossings=rep.total_crossings, changes=rep.layer_changes,
                total=rep.total_insertion_loss_dB, max=rep.max_insertion_loss_dB,
                time=time.perf_counter() - t0, cpu=_cpu_s() - cpu0,
                est=f"{rep.estimated_crossings}",
                gap="" if gap is None else f"{gap:.3f}", clean=rep.clean)


def _book(build: Callable, layers: tuple[str, ...], label: str = "", **options: Any) -> dict:
    """The planner in book mode: nets between port groups (``build()[2]``)."""
    c, conns, groups = build()
    t0, cpu0 = time.perf_counter(), _cpu_s()
    rep = route_nets_multilayer(c, conns, layers=layers, port_groups=groups, **options).report
    assert rep.book is not None
    gap = rep.heuristic_gap_dB
    return dict(how="+".join(layers) + label, routed=rep.routed, nets=len(conns),
                crossings=rep.total_crossings, changes=rep.layer_changes,
                total=rep.total_insertion_loss_dB, max=rep.max_insertion_loss_dB,
                time=time.perf_counter() - t0, cpu=_cpu_s() - cpu0,
                est=f"{rep.estimated_crossings}", gap="" if gap is None else f"{gap:.3f}",
                clean=rep.clean)


def _ratios(name: str, rows: list[dict]) -> None:
    """The planner's best plain run (most nets, then least loss) against planar, and the
    parallel layers' speed-up over one process where both ran."""
    planar = next((r for r in rows if r["how"] == "planar WG1"), None)
    plain = [r for r in rows if r["how"] != "planar WG1" and "(" not in r["how"]]
    best = max(plain, key=lambda r: (r["routed"], -r["total"]))
    parts = [f"best planner run {best['how']}"]
    if planar is not None:
        parts.append(f"loss {best['total'] / planar['total']:.2f}x planar, crossings "
                     f"{best['crossings'] / max(planar['crossings'], 1):.2f}x planar, "
                     f"nets {best['routed']}/{planar['routed']} (planar)")
    one = next((r for r in rows if r["how"].endswith("(1 process)")), None)
    par = next((r for r in rows if r["how"] == "WG1+WG2"), None)
    if one is not None and par is not None:
        parts.append(f"parallel layers {one['time'] / par['time']:.2f}x faster (wall)")
    print(f"{name:32s} ratios: " + "; ".join(parts), flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="16,64", help="row-to-bank sizes")
    ap.add_argument("--skip-a2a-planar", action="store_true",
                    help="skip the slow planar all-to-all run")
    ap.add_argument("--no-a2a", action="store_true", help="skip the all-to-all problem")
    ap.add_argument("--no-rtb", action="store_true", help="skip the row-to-bank problems")
    ap.add_argument("--no-both", action="store_true",
                    help="skip all-to-all K12 with both-side ports (book pages)")
    ap.add_argument("--only-both", action="store_true",
                    help="run only all-to-all K12 with both-side ports")
    args = ap.parse_args()
    activate()
    costs = layer_costs_from_models()
    print(f"prices: crossing {costs.crossing_dB:.3f} dB, interlayer coupler "
          f"{costs.coupler_dB:.4f} dB (calibrated models)")
    if args.only_both:
        args.no_a2a = args.no_rtb = True
    problems: list[tuple[str, Callable, bool]] = [] if args.no_a2a else [
        ("all-to-all K12", all_to_all, not args.skip_a2a_planar)]
    if not args.no_rtb:
        problems += [(f"row_to_bank N={n}", lambda n=n: row_to_bank(int(n)), True)
                     for n in args.sizes.split(",")]
    head = (f"{'problem':32s} {'routing':32s} {'routed':>7s} {'xings':>6s} {'est':>5s} "
            f"{'changes':>7s} {'IL tot dB':>10s} {'IL max dB':>10s} {'time s':>8s} "
            f"{'cpu s':>7s} {'gap dB':>7s} clean")
    print(head)

    def show(name: str, r: dict) -> dict:
        print(f"{name:32s} {r['how']:32s} {r['routed']:>3d}/{r['nets']:<3d} "
              f"{r['crossings']:6d} {r['est']:>5s} {r['changes']:7d} {r['total']:10.2f} "
              f"{r['max']:10.3f} {r['time']:8.1f} {r['cpu']:7.1f} {r['gap']:>7s} "
              f"{r['clean']}", flush=True)
        return r

    three = None  # the single-row K12 on three layers, beside the both-side rows
    for name, build, with_planar in problems:
        rows = [show(name, _planar(build))] if with_planar else []
        pairs = rows[0]["pairs"] if rows else None
        for layers in (("WG1", "WG2"), ("WG1", "WG2", "WG3")):
            rows.append(show(name, _layers(build, layers)))
            if pairs is not None:  # planned from the planar routing's own crossings
                rows.append(show(name, _layers(build, layers, pairs)))
            if layers == ("WG1", "WG2") and build is all_to_all:
                rows.append(show(name, _layers(build, layers, label=" (1 process)",
                                               workers=1)))
                rows.append(show(name, _layers(
                    build, layers, label=f" (router price {SEARCH_CROSSING_COST_DB} dB)",
                    search_crossing_dB=SEARCH_CROSSING_COST_DB)))
        _ratios(name, rows)
        if build is all_to_all:
            three = next((r for r in rows if r["how"] == "WG1+WG2+WG3"), None)
    if not args.no_both:
        name = "all-to-all K12 (both-side ports)"
        both = lambda: all_to_all(12, ports="both")  # noqa: E731
        rows = [show(name, _book(both, layers))
                for layers in (("WG1", "WG2", "WG3"), ("WG1", "WG2"))]
        aim = rows[0]
        met = (aim["crossings"] == 0 and aim["routed"] == aim["nets"] and aim["clean"])
        parts = [f"WG1+WG2+WG3: {aim['crossings']} crossings, {aim['routed']}/{aim['nets']} "
                 f"routed, clean {aim['clean']} (aim 0 crossings: {'met' if met else 'MISSED'})"]
        if three is not None:
            parts.append(f"single-row K12 on WG1+WG2+WG3: {three['crossings']} crossings, "
                         f"loss {aim['total'] / three['total']:.2f}x its {three['total']:.2f} dB")
        print(f"{'all-to-all K12':32s} ratios: " + "; ".join(parts), flush=True)


if __name__ == "__main__":
    main()
