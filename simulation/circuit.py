"""Circuit solver: a netlist of S-parameter blocks -> the S-matrix at its external ports.

Every instance contributes its S-matrix; connected port pairs exchange waves; ports that are
neither connected nor external are matched terminations (light leaving them is lost). With
``b = S a`` for all instance ports and ``a_I = C b_I`` on the connected (internal) ports,

    (1 - S_II C) b_I = S_IE a_E,        b_E = S_EE a_E + S_EI C b_I,

Two ways to solve it, both vectorised over wavelength and JAX-free:

- ``method="elimination"``, all wavelengths at once. Narrow circuits (chains, ladders, trees:
  few connections between consecutive breadth-first levels) connect port pairs one at a time
  with scikit-rf's ``connect_s``/``innerconnect_s`` (Filipsson's algorithm), choosing
  greedily the connection that leaves the smallest block. Wide ones (2D meshes) merge blocks
  along a nested-dissection tree of the instance graph (each set of instances cut in two
  halves joined by few connections, recursively), every merge eliminating all connections
  between its parts in one Schur complement: the largest block is the boundary of a half, so
  a mesh of n instances keeps fronts of O(sqrt n) ports;
- ``method="sparse"``: the whole system with SciPy's sparse LU, wavelengths in chunks solved
  as one block-diagonal system with the least-fill ordering of one wavelength's matrix;
  robust when the elimination front would grow large.

``"auto"`` (default) eliminates and falls back to the sparse solve when a block would exceed
``MAX_ELIMINATION_PORTS`` ports. Instances sharing a model and settings share one evaluation.

Example:
    >>> import numpy as np
    >>> t = np.exp(1j * np.linspace(0, 1, 3)) * 0.9
    >>> wg = {("o1", "o2"): t, ("o2", "o1"): t}
    >>> net = Circuit(
    ...     instances={"a": "wg", "b": "wg"},
    ...     connections=[("a,o2", "b,o1")],
    ...     ports={"in": "a,o1", "out": "b,o2"},
    ... )
    >>> s = solve_circuit(net, {"wg": wg})
    >>> np.allclose(s[("in", "out")], t * t)
    True
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import scipy.sparse as sp
import scipy.sparse.csgraph as csgraph
import scipy.sparse.linalg as spla
from threadpoolctl import threadpool_limits

from components.models.sdict import SDict, to_matrix
from qc_pdk.errors import InputError


class NetlistError(InputError):
    """A netlist that cannot be solved (unknown model, bad port, floating instance ...)."""


@dataclass(frozen=True)
class Circuit:
    """A flat netlist.

    Attributes:
        instances: instance name -> key of its S-dict (a model or a solved sub-circuit).
        connections: pairs of ``"instance,port"`` joined by a waveguide of zero length.
        ports: external port name -> ``"instance,port"``.
    """

    instances: Mapping[str, str]
    connections: Sequence[tuple[str, str]]
    ports: Mapping[str, str]


def _split(ref: str) -> tuple[str, str]:
    inst, sep, port = ref.rpartition(",")
    if not sep or not inst:
        raise NetlistError(f"port reference {ref!r} is not of the form 'instance,port'")
    return inst, port


def _check(circuit: Circuit, sdict_ports: Mapping[str, list[str]]) -> None:
    for inst, key in circuit.instances.items():
        if key not in sdict_ports:
            raise NetlistError(f"instance {inst!r}: no model or sub-circuit named {key!r}")
    used: dict[str, str] = {}
    touched: set[str] = set()
    refs = [r for pair in circuit.connections for r in pair] + list(circuit.ports.values())
    for ref in refs:
        inst, port = _split(ref)
        if inst not in circuit.instances:
            raise NetlistError(f"port reference {ref!r}: no instance named {inst!r}")
        if port not in sdict_ports[circuit.instances[inst]]:
            valid = ", ".join(sdict_ports[circuit.instances[inst]])
            raise NetlistError(f"instance {inst!r} has no port {port!r} (ports: {valid})")
        if ref in used:
            raise NetlistError(f"port {ref!r} is connected twice")
        used[ref] = ref
        touched.add(inst)
    floating = [i for i in circuit.instances if i not in touched]
    if floating:
        raise NetlistError(f"instance {floating[0]!r} is not connected to anything")


MAX_ELIMINATION_PORTS = 256
_SPARSE_CHUNK_ENTRIES = 4_000_000  # complex entries of one chunk's right-hand side (64 MB)


class _TooWide(Exception):
    pass


def solve_circuit(
    circuit: Circuit,
    sdicts: Mapping[str, SDict],
    method: Literal["auto", "elimination", "sparse"] = "auto",
) -> SDict:
    """S-dict of ``circuit`` at its external ports.

    Args:
        circuit: the netlist.
        sdicts: S-dict per key used in ``circuit.instances`` (all over the same wavelengths).
        method: ``"auto"``, ``"elimination"`` or ``"sparse"`` (see the module docstring).

    Returns:
        ``{(ext_in, ext_out): complex array over wavelength}``.

    Raises:
        NetlistError: naming the unknown model, port or floating instance.
    """
    used_keys = set(circuit.instances.values())
    dense = {}
    for key, s in sdicts.items():
        if key in used_keys:
            ports, m = to_matrix(s)  # m[..., in, out]
            dense[key] = (ports, np.swapaxes(m[None] if m.ndim == 2 else m, -1, -2))
    _check(circuit, {k: ports for k, (ports, _) in dense.items()})
    n_wl = max(m.shape[0] for _, m in dense.values())
    if method != "sparse":
        try:
            return _solve_by_elimination(circuit, dense, n_wl)
        except _TooWide:
            if method == "elimination":
                raise NetlistError(
                    f"elimination front exceeds {MAX_ELIMINATION_PORTS} ports; use method='sparse'"
                ) from None
    return _solve_sparse(circuit, dense, n_wl)


def _solve_by_elimination(
    circuit: Circuit, dense: Mapping[str, tuple[list[str], np.ndarray]], n_wl: int
) -> SDict:
    """Greedy pairwise connection if the circuit is narrow, else nested dissection."""
    names = list(circuit.instances)
    index = {inst: k for k, inst in enumerate(names)}
    edges = [(index[_split(a)[0]], index[_split(c)[0]]) for a, c in circuit.connections]
    if _is_narrow(len(names), edges):
        # Chains, ladders and trees: a block never grows, and connecting one port pair at a
        # time is cheaper than a dissection's many small merges (1,000-instance ladder: 2x).
        return _solve_greedy(circuit, dense, n_wl)
    wanted = {r for pair in circuit.connections for r in pair} | set(circuit.ports.values())
    partner = {a: c for a, c in circuit.connections} | {c: a for a, c in circuit.connections}
    leaf: list[_Block] = []
    for inst in names:
        ports, m = dense[circuit.instances[inst]]
        keep = [i for i, p in enumerate(ports) if f"{inst},{p}" in wanted]  # others: terminated
        refs = [f"{inst},{ports[i]}" for i in keep]
        leaf.append((refs, np.broadcast_to(m[:, keep][:, :, keep], (n_wl, len(keep), len(keep)))))
    trees = _dissection_trees(len(names), edges)
    # One small solve and product per wavelength: BLAS threads cost more than they give here.
    with threadpool_limits(limits=1, user_api="blas"):
        blocks = [b for tree in trees for b in _merge_tree(tree, leaf, partner, n_wl)]

    result: SDict = {}
    ext_of = {ref: name for name, ref in circuit.ports.items()}
    for refs, m in blocks:
        ext = [ext_of[r] for r in refs]
        nonzero = np.any(m != 0, axis=0)
        by_entry = np.ascontiguousarray(np.moveaxis(m, 0, -1))  # [out, in, wl]: one copy
        for j, i in zip(*np.nonzero(nonzero.T), strict=True):  # the greedy path's key order
            result[(ext[j], ext[i])] = by_entry[i, j]
    return result


_Block = tuple[list[str], np.ndarray]  # port refs, S[wl, out, in] over them
_Tree = int | tuple["_Tree", ...]  # an instance, or the subtrees merged at this node


def _merge_tree(
    tree: _Tree, leaf: Sequence[_Block], partner: Mapping[str, str], n_wl: int
) -> list[_Block]:
    """Solve a dissection (sub)tree bottom-up: the blocks left (one, or none if closed)."""
    if isinstance(tree, int):
        parts = [leaf[tree]]
    else:
        parts = [b for sub in tree for b in _merge_tree(sub, leaf, partner, n_wl)]
    merged = _merge(parts, partner, n_wl)
    return [merged] if merged[0] else []  # a closed loop with no port left: light never leaves


def _merge(parts: Sequence[_Block], partner: Mapping[str, str], n_wl: int) -> _Block:
    """Join ``parts`` and eliminate every connection among their ports at once.

    scikit-rf's ``connect_s``/``innerconnect_s`` do this one connection at a time (a rank-two
    update of the whole block per connection, each a Python call); here the k connections
    between two halves of a dissection are one Schur complement, a batched LAPACK solve of
    size 2k over all wavelengths, which is what makes the nested-dissection order pay off.
    With ``a_I = P b_I`` (P swaps partners) on the internal ports I:
    ``S' = S_EE + S_EI (1 - P S_II)^-1 P S_IE``.
    """
    present = {r for refs, _ in parts for r in refs}
    split = []
    for refs, _ in parts:
        inner = [k for k, r in enumerate(refs) if partner.get(r) in present]
        outer = [k for k, r in enumerate(refs) if partner.get(r) not in present]
        split.append((inner, outer))
    n_i = sum(len(i) for i, _ in split)
    n_e = sum(len(o) for _, o in split)
    if n_e > MAX_ELIMINATION_PORTS or n_i > MAX_ELIMINATION_PORTS:
        raise _TooWide
    if n_i == 0 and len(parts) == 1:
        return parts[0]
    ext_refs = [refs[k] for (refs, _), (_, o) in zip(parts, split, strict=True) for k in o]
    int_refs = [refs[k] for (refs, _), (i, _) in zip(parts, split, strict=True) for k in i]
    if n_e == 0:
        return [], np.zeros((n_wl, 0, 0), complex)
    out = np.zeros((n_wl, n_e, n_e), complex) if n_i == 0 else np.empty((n_wl, n_e, n_e), complex)
    # P S_IE and P S_II, written straight into their permuted rows (the row of port r's
    # outgoing wave is the row of its partner's incoming one)
    p_s_ie = np.zeros((n_wl, n_i, n_e), complex)
    lhs = np.zeros((n_wl, n_i, n_i), complex)
    pos = {r: k for k, r in enumerate(int_refs)}
    spans = []
    pi = pe = 0
    for (refs, m), (inner, outer) in zip(parts, split, strict=True):
        ni, ne = len(inner), len(outer)
        si, se = slice(pi, pi + ni), slice(pe, pe + ne)
        rows = np.array([pos[partner[refs[k]]] for k in inner], int)[:, None]
        inner_col = np.array(inner, int)[:, None]
        outer_col = np.array(outer, int)[:, None]
        p_s_ie[:, rows, np.arange(pe, pe + ne)] = m[:, inner_col, outer]
        lhs[:, rows, np.arange(pi, pi + ni)] = -m[:, inner_col, inner]
        spans.append((si, se, m[:, outer_col, outer], m[:, outer_col, inner]))
        pi, pe = pi + ni, pe + ne
    if n_i:
        lhs[:, np.arange(n_i), np.arange(n_i)] += 1.0  # 1 - P S_II
        a_i = np.linalg.solve(lhs, p_s_ie)  # incoming waves at internal ports
        for si, se, _, s_ei in spans:  # every row of out: S_EI a_I (contiguous for BLAS)
            out[:, se] = s_ei @ np.ascontiguousarray(a_i[:, si])
    for _, se, s_ee, _ in spans:
        out[:, se, se] += s_ee
    return ext_refs, out


def _dissection_trees(n: int, edges: Sequence[tuple[int, int]]) -> list[_Tree]:
    """Nested-dissection merge trees of the instance graph, one per connected component.

    Each set is cut in two halves with few connections between them (spectral bisection
    checked against a breadth-first level cut, whichever cuts fewer connections), recursively;
    blocks are merged leaves first, so the largest front is the boundary of a half, O(sqrt n)
    ports on a 2D mesh instead of the O(n) a greedy order can reach. (SciPy and networkx
    have no nested dissection, and METIS is not a dependency; their fill-reducing orders
    number matrix rows, not merges of multi-port blocks, so the dissection is done here.)
    """
    adj: list[list[int]] = [[] for _ in range(n)]
    for u, v in edges:
        if u != v:
            adj[u].append(v)
            adj[v].append(u)
    return [_dissect(comp, adj) for comp in _components(list(range(n)), adj)]


def _components(nodes: Sequence[int], adj: Sequence[Sequence[int]]) -> list[list[int]]:
    inside = set(nodes)
    seen: set[int] = set()
    comps = []
    for s in nodes:
        if s in seen:
            continue
        seen.add(s)
        comp, stack = [s], [s]
        while stack:
            for v in adj[stack.pop()]:
                if v in inside and v not in seen:
                    seen.add(v)
                    comp.append(v)
                    stack.append(v)
        comps.append(comp)
    return comps


def _dissect(nodes: list[int], adj: Sequence[Sequence[int]]) -> _Tree:
    """Merge tree of a connected set of instances."""
    if len(nodes) == 1:
        return nodes[0]
    if len(nodes) <= 3:
        return tuple(nodes)
    half = _bisect(nodes, adj)
    other = [v for v in nodes if v not in half]
    subtrees: list[_Tree] = []
    for side in (sorted(half), other):
        for comp in _components(side, adj):
            subtrees.append(_dissect(comp, adj))
    return tuple(subtrees)


def _bisect(nodes: list[int], adj: Sequence[Sequence[int]]) -> set[int]:
    """Half of ``nodes`` (connected) with few connections to the other half."""
    local = {v: k for k, v in enumerate(nodes)}
    rows = [local[u] for u in nodes for v in adj[u] if v in local]
    cols = [local[v] for u in nodes for v in adj[u] if v in local]
    n = len(nodes)
    graph = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    src, dst = graph.nonzero()

    def cut_of(key: np.ndarray) -> tuple[int, set[int]]:
        order = np.argsort(key, kind="stable")
        side = np.zeros(n, bool)
        side[order[: n // 2]] = True
        return int(np.count_nonzero(side[src] != side[dst])), {nodes[k] for k in order[: n // 2]}

    best = cut_of(_bfs_levels(graph))
    if n > 8 and best[0] > 4:  # a chain or ladder is already cut well by its levels
        lap = csgraph.laplacian(graph).astype(float)
        try:
            k = min(3, n - 2)
            v0 = np.cos(np.arange(n) + 0.5)  # fixed start: the same order on every run
            _, vecs = spla.eigsh(lap.tocsc(), k=k, sigma=-1e-3, v0=v0)
            # The Fiedler vector and, for square-ish meshes where it is degenerate, mixes
            # of the second and third modes: a median cut of each is a candidate.
            for t in np.linspace(0, np.pi, 8, endpoint=False):
                mode = np.cos(t) * vecs[:, 1] + np.sin(t) * vecs[:, min(2, k - 1)]
                best = min(best, cut_of(mode), key=lambda c: c[0])
        except (RuntimeError, ValueError, spla.ArpackError):  # pragma: no cover - numerical
            pass
    return best[1]


def _bfs_levels(graph: sp.csr_matrix) -> np.ndarray:
    """Breadth-first distance from a pseudo-peripheral node (a level-structure cut)."""
    start = 0
    for _ in range(2):
        dist = csgraph.shortest_path(graph, unweighted=True, indices=start)
        start = int(np.argmax(dist))
    return np.asarray(csgraph.shortest_path(graph, unweighted=True, indices=start))


_NARROW_CUT = 8  # connections between consecutive breadth-first levels of a "narrow" graph


def _is_narrow(n: int, edges: Sequence[tuple[int, int]]) -> bool:
    """Whether every breadth-first level structure of the instance graph has thin cuts."""
    if n < 2 or not edges:
        return True
    u, v = np.array(edges, int).T
    graph = sp.csr_matrix((np.ones(len(u)), (u, v)), shape=(n, n))
    graph = graph + graph.T
    n_comp, label = csgraph.connected_components(graph, directed=False)
    level = np.zeros(n)
    for comp in range(n_comp):
        members = np.flatnonzero(label == comp)
        level[members] = _bfs_levels(graph[members][:, members].tocsr())
    lo = np.minimum(level[u], level[v]).astype(int)
    crossing = np.bincount(lo[level[u] != level[v]], minlength=1)
    return int(crossing.max()) <= _NARROW_CUT


def _solve_greedy(
    circuit: Circuit, dense: Mapping[str, tuple[list[str], np.ndarray]], n_wl: int
) -> SDict:
    """Greedy pairwise connection of blocks with scikit-rf (all wavelengths at once)."""
    # imported here: scikit-rf's own imports are most of the solver's import time, and the
    # nested-dissection path (the usual one) does not need it
    from skrf.network import connect_s, innerconnect_s

    wanted = {r for pair in circuit.connections for r in pair} | set(circuit.ports.values())
    blocks: dict[int, tuple[list[str], np.ndarray]] = {}
    block_of: dict[str, int] = {}
    version: dict[int, int] = {}
    for b, (inst, key) in enumerate(circuit.instances.items()):
        ports, m = dense[key]
        keep = [i for i, p in enumerate(ports) if f"{inst},{p}" in wanted]  # others: terminated
        refs = [f"{inst},{ports[i]}" for i in keep]
        blocks[b] = (refs, np.broadcast_to(m[:, keep][:, :, keep], (n_wl, len(keep), len(keep))))
        version[b] = 0
        for r in refs:
            block_of[r] = b

    def cost(a: str, c: str) -> tuple[int, int, int, int]:
        ba, bc = block_of[a], block_of[c]
        size = len(blocks[ba][0]) + (len(blocks[bc][0]) if ba != bc else 0) - 2
        return size, ba, bc, version[ba] + 1_000_003 * version[bc]

    heap = []
    for n, (a, c) in enumerate(circuit.connections):
        size, ba, bc, ver = cost(a, c)
        heap.append((size, n, ba, bc, ver))
    heapq.heapify(heap)
    next_id = len(blocks)
    while heap:
        size, n, ba, bc, ver = heapq.heappop(heap)
        a, c = circuit.connections[n]
        now = cost(a, c)
        if (now[1], now[2], now[3]) != (ba, bc, ver):
            heapq.heappush(heap, (now[0], n, now[1], now[2], now[3]))
            continue
        if size > MAX_ELIMINATION_PORTS:
            raise _TooWide
        refs_a, sa = blocks.pop(ba)
        ka = refs_a.index(a)
        if size == 0:  # a closed loop with no port left: its light never leaves
            if ba != bc:
                blocks.pop(bc)
            continue
        if ba == bc:
            kc = refs_a.index(c)
            merged = innerconnect_s(np.array(sa), ka, kc)
            refs = [r for r in refs_a if r not in (a, c)]
        else:
            refs_c, sc = blocks.pop(bc)
            kc = refs_c.index(c)
            merged = connect_s(np.array(sa), ka, np.array(sc), kc)
            rest_c = [r for r in refs_c if r != c]
            if len(refs_c) == 2 and len(refs_a) > 2:
                # scikit-rf keeps a connected two-port's other port in the place of port ka
                refs = refs_a[:ka] + rest_c + refs_a[ka + 1 :]
            else:
                refs = [r for r in refs_a if r != a] + rest_c
        blocks[next_id] = (refs, merged)
        version[next_id] = 0
        for r in refs:
            block_of[r] = next_id
        next_id += 1

    result: SDict = {}
    ext_of = {ref: name for name, ref in circuit.ports.items()}
    for refs, m in blocks.values():
        names = [ext_of[r] for r in refs]
        for j, name_a in enumerate(names):
            for i, name_b in enumerate(names):
                if np.any(m[:, i, j] != 0):
                    result[(name_a, name_b)] = np.array(m[:, i, j])
    return result


def _solve_sparse(
    circuit: Circuit, dense: Mapping[str, tuple[list[str], np.ndarray]], n_wl: int
) -> SDict:
    """The whole linear system with SciPy's sparse LU, wavelengths batched block-diagonally."""

    # Global index of every instance port.
    offset: dict[str, int] = {}
    port_index: dict[str, dict[str, int]] = {}
    n = 0
    for inst, key in circuit.instances.items():
        ports = dense[key][0]
        offset[inst] = n
        port_index[inst] = {p: n + i for i, p in enumerate(ports)}
        n += len(ports)

    def gidx(ref: str) -> int:
        inst, port = _split(ref)
        return port_index[inst][port]

    ext_names = list(circuit.ports)
    ext = np.array([gidx(circuit.ports[p]) for p in ext_names], int)
    pairs = np.array([(gidx(a), gidx(b)) for a, b in circuit.connections], int).reshape(-1, 2)
    internal = np.r_[pairs[:, 0], pairs[:, 1]].astype(int)
    partner = np.r_[pairs[:, 1], pairs[:, 0]].astype(int)
    # Position of each global port within the internal / external vectors (-1: neither).
    pos_i = np.full(n, -1)
    pos_i[internal] = np.arange(len(internal))
    pos_e = np.full(n, -1)
    pos_e[ext] = np.arange(len(ext))

    # Nonzero pattern of the block-diagonal S: (row=out, col=in, values over wl).
    rows, cols, vals = [], [], []
    for inst, key in circuit.instances.items():
        _, m = dense[key]
        nz_out, nz_in = np.nonzero(np.any(m != 0, axis=0))
        rows.append(nz_out + offset[inst])
        cols.append(nz_in + offset[inst])
        vals.append(np.broadcast_to(m[:, nz_out, nz_in], (n_wl, len(nz_out))))
    row = np.concatenate(rows) if rows else np.zeros(0, int)
    col = np.concatenate(cols) if cols else np.zeros(0, int)
    val = np.concatenate(vals, axis=1) if vals else np.zeros((n_wl, 0), complex)

    ri, ci, ei = pos_i[row], pos_i[col], pos_e[col]
    re_ = pos_e[row]
    n_i, n_e = len(internal), len(ext)
    # (S_II C)[r, partner(c)] = S_II[r, c]: C swaps each internal port with its partner.
    partner_pos = pos_i[partner]  # internal position of each internal port's partner
    ii = (ri >= 0) & (ci >= 0)
    ie = (ri >= 0) & (ei >= 0)
    ee = (re_ >= 0) & (ei >= 0)
    ei_ = (re_ >= 0) & (ci >= 0)
    out = np.zeros((n_wl, n_e, n_e), complex)
    # Wavelengths are solved in chunks as one block-diagonal system (one SuperLU call, one
    # ordering of the whole chunk) rather than one factorisation per wavelength from Python.
    permc: str | None = None
    chunk = max(1, min(n_wl, _SPARSE_CHUNK_ENTRIES // max(1, n_i * max(1, n_e))))
    for w0 in range(0, n_wl, chunk):
        ws = slice(w0, min(n_wl, w0 + chunk))
        n_w = ws.stop - ws.start
        v = val[ws]
        if n_i:
            shift = (np.arange(n_w) * n_i)[:, None]
            shift_e = (np.arange(n_w) * n_e)[:, None]
            m_ii = sp.csc_matrix(
                (
                    v[:, ii].ravel(),
                    ((ri[ii] + shift).ravel(), (partner_pos[ci[ii]] + shift).ravel()),
                ),
                shape=(n_w * n_i, n_w * n_i),
            )
            rhs = np.zeros((n_w * n_i, n_e), complex)
            np.add.at(rhs, ((ri[ie] + shift).ravel(), np.tile(ei[ie], n_w)), v[:, ie].ravel())
            lhs = sp.identity(n_w * n_i, complex, format="csc") - m_ii
            if permc is None:
                permc = _least_fill_ordering(lhs[:n_i, :n_i].tocsc())
            b_i = spla.splu(lhs, permc_spec=permc).solve(rhs)  # outgoing waves, internal ports
            a_i = b_i.reshape(n_w, n_i, n_e)[:, partner_pos].reshape(n_w * n_i, n_e)
            s_ei = sp.csr_matrix(
                (v[:, ei_].ravel(), ((re_[ei_] + shift_e).ravel(), (ci[ei_] + shift).ravel())),
                shape=(n_w * n_e, n_w * n_i),
            )
            out[ws] += (s_ei @ a_i).reshape(n_w, n_e, n_e)
        w_col = np.arange(ws.start, ws.stop)[:, None]
        np.add.at(out, (w_col, re_[ee][None], ei[ee][None]), v[:, ee])
    result: SDict = {}
    for j, a in enumerate(ext_names):
        for i, b in enumerate(ext_names):
            if np.any(out[:, i, j] != 0):
                result[(a, b)] = out[:, i, j]
    return result


def _least_fill_ordering(lhs: sp.csc_matrix) -> str:
    """SuperLU column ordering with the least fill on one wavelength's matrix (all share it).

    Ports are numbered instance by instance, so the natural order is often banded and fills
    less than SuperLU's default COLAMD (on a 16 x 16 coupler mesh: half the fill, ten times
    faster); which one wins depends on the netlist, so the few candidates are tried once.
    """
    best: tuple[int, str] | None = None
    for spec in ("NATURAL", "MMD_AT_PLUS_A", "COLAMD"):
        try:
            lu = spla.splu(lhs, permc_spec=spec)
        except RuntimeError:  # pragma: no cover - singular under this ordering
            continue
        fill = lu.L.nnz + lu.U.nnz
        if best is None or fill < best[0]:
            best = (fill, spec)
    return "COLAMD" if best is None else best[1]
