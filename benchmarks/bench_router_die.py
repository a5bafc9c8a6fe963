"""Benchmark: nets across a 40 x 25 mm die, two-level routing (global + corridors) against the
dense track grid and gdsfactory's ``route_astar``.

Problems: one net corner to corner (``tests.routing.problems.die_crossing(1)``: an L over the
whole die) and N nets tiled over the whole die (default 1,000, ``tiled_pairs``): one net
from each 0.98 mm tile to a pin 1.5 mm east and 0.6 mm north (in the next tiles), so each net
passes its neighbours' pins and paths.

Routers, each in its own process (peak memory is the process's ``ru_maxrss``, imports
included; the parent kills a process whose resident memory passes ``--mem-cap-mb`` or whose
time passes ``--cap-s``):

* QuantaCore with corridors: ``route_nets`` as it is (the area is above ``max_grid_nodes``).
* QuantaCore dense: ``route_nets(max_grid_nodes=10**12)``, one grid over the whole die.
* gdsfactory ``route_astar`` net by net (``bench_router.run_peer``: same measure from the GDS).

Routed counts and DRC: QuantaCore's from its own sign-off (KLayout overlaps and DRC of the
routed region, ``report.check``); route_astar's from ``bench_router.measure`` (its GDS).

Run: ``python benchmarks/bench_router_die.py [--nets 1000] [--cap-s 600] [--mem-cap-mb 6000]``.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import sys
import time
from pathlib import Path

import gdsfactory as gf

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/ and benchmarks/
sys.path.insert(0, str(Path(__file__).resolve().parent))

from components import CELLS  # noqa: E402
from quantacore import activate  # noqa: E402
from routing.router import Connection, route_nets  # noqa: E402

DIE_W_UM, DIE_H_UM = 40_000.0, 25_000.0


def tiled_pairs(n: int, *, tile_um: float = 980.0, reach_um: tuple[float, float] = (
        1_500.0, 600.0)) -> tuple[gf.Component, list[Connection]]:
    """N nets over the whole die, one starting in each ``tile_um`` tile (row by row, 40 x 25
    tiles on the 40 x 25 mm die): a pin facing east to a pin facing west ``reach_um`` to the
    north-east, in the next tiles, so neighbouring nets pass each other's pins and paths."""
    c = gf.Component()
    pin = CELLS["straight"](length=10.0)
    cols = int((DIE_W_UM - reach_um[0]) // tile_um) + 1
    rows = int((DIE_H_UM - reach_um[1]) // tile_um) + 1
    if n > cols * rows:
        raise ValueError(f"at most {cols * rows} nets fit, asked for {n}")
    conns = []
    for k in range(n):
        j, i = divmod(k, cols)
        a = c.add_ref(pin, name=f"a{k}")
        a.dmove((i * tile_um, j * tile_um))
        b = c.add_ref(pin, name=f"b{k}")
        b.drotate(180)
        b.dmove((i * tile_um + reach_um[0], j * tile_um + reach_um[1]))
        conns.append(Connection(f"a{k},o2", f"b{k},o2", name=f"n{k}"))
    return c, conns


def _build(problem: str, n: int) -> tuple[gf.Component, list[Connection]]:
    from tests.routing.problems import die_crossing

    return die_crossing(1) if problem == "one" else tiled_pairs(n)


def _peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(problem: str, n: int, how: str, cap_s: float, out: mp.Queue) -> None:
    activate()
    from loguru import logger

    logger.remove()  # gdsfactory's routers log every failed net at ERROR
    c, conns = _build(problem, n)
    if how == "astar":
        from bench_router import run_peer

        r = run_peer("gf route_astar", lambda: (c, conns), "astar", cap_s)
        out.put(dict(routed=r["routed"], nets=r["nets"], drc=r["drc"], clean=None,
                     time=r["time"], mem=r["mem"], note=r["note"]))
        return
    t0 = time.perf_counter()
    kw = {} if how == "corridors" else {"max_grid_nodes": 10**12}
    rep = route_nets(c, conns, **kw).report
    out.put(dict(routed=rep.routed, nets=len(conns), drc=rep.check.drc_violations,
                 clean=rep.check.clean, time=time.perf_counter() - t0, mem=_peak_mb(),
                 note=f"{rep.total_crossings} crossings, {rep.total_bends} bends"))


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def run(problem: str, n: int, how: str, cap_s: float, mem_cap_mb: float) -> dict:
    """One router on one problem in a fresh process, killed at the time or memory cap."""
    ctx = mp.get_context("spawn")
    q: mp.Queue = ctx.Queue()
    p = ctx.Process(target=_child, args=(problem, n, how, cap_s, q))
    t0 = time.perf_counter()
    p.start()
    peak, why = 0.0, ""
    while p.is_alive():
        try:
            peak = max(peak, _rss_mb(p.pid or 0))
        except (FileNotFoundError, ProcessLookupError):
            break
        if peak > mem_cap_mb:
            why = f"killed above the {mem_cap_mb:.0f} MB cap"
        elif time.perf_counter() - t0 > cap_s + 120:  # the peer stops itself at cap_s
            why = f"killed after the {cap_s:.0f} s cap"
        if why:
            p.kill()
            break
        if not q.empty():
            break
        time.sleep(0.1)
    try:
        r = q.get(timeout=5 if not why else 0.1)
    except Exception:  # noqa: BLE001 - a killed or crashed router is a result
        r = dict(routed=0, nets=n if problem != "one" else 1, drc=-1, clean=False,
                 time=time.perf_counter() - t0, mem=peak, note=why or "crashed")
    p.join(timeout=10)
    return r


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--nets", type=int, default=1000)
    ap.add_argument("--cap-s", type=float, default=600.0)
    ap.add_argument("--mem-cap-mb", type=float, default=6000.0)
    ap.add_argument("--routers", default="corridors,dense,astar")
    args = ap.parse_args()
    head = (f"{'problem':<28} {'router':<24} {'routed':>10} {'DRC':>5} {'clean':>6} "
            f"{'time s':>8} {'peak MB':>8}  note")
    print(head)
    print("-" * len(head), flush=True)
    names = {"corridors": "QuantaCore corridors", "dense": "QuantaCore dense grid",
             "astar": "gf route_astar"}
    for problem, label in (("one", "die 40x25mm 1 net"),
                           ("bus", f"die 40x25mm {args.nets} nets")):
        ours = None
        for how in args.routers.split(","):
            r = run(problem, args.nets, how, args.cap_s, args.mem_cap_mb)
            ratio = ""
            if ours is not None and r["routed"] and ours["time"] > 0:
                ratio = (f" time x{r['time'] / ours['time']:.1f}, "
                         f"memory x{r['mem'] / ours['mem']:.1f} of corridors'")
            if how == "corridors":
                ours = r
            clean = "-" if r["clean"] is None else ("yes" if r["clean"] else "no")
            print(f"{label:<28} {names[how]:<24} {r['routed']:>4}/{r['nets']:<5} "
                  f"{r['drc']:>5} {clean:>6} {r['time']:>8.1f} {r['mem']:>8.0f}  "
                  f"{r['note']}{ratio}", flush=True)


if __name__ == "__main__":
    main()
