"""Circuit solver: a netlist of S-parameter blocks -> the S-matrix at its external ports.

Every instance contributes its S-matrix; connected port pairs exchange waves; ports that are
neither connected nor external are matched terminations (light leaving them is lost). With
``b = S a`` for all instance ports and ``a_I = C b_I`` on the connected (internal) ports,

    (1 - S_II C) b_I = S_IE a_E,        b_E = S_EE a_E + S_EI C b_I,

Two ways to solve it, both vectorised over wavelength and JAX-free:

- ``method="elimination"``: connect port pairs one at a time with scikit-rf's
  ``connect_s``/``innerconnect_s`` (Filipsson's algorithm, all wavelengths at once), choosing
  greedily the connection that leaves the smallest block; fastest for the chain-, ladder- and
  tree-like circuits of photonic chips;
- ``method="sparse"``: the whole system with SciPy's sparse LU, one wavelength at a time;
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
import scipy.sparse.linalg as spla
from skrf.network import connect_s, innerconnect_s

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
    """Greedy pairwise connection of blocks (all wavelengths at once)."""
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
    """The whole linear system with SciPy's sparse LU, one wavelength at a time."""

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
    eye = sp.identity(n_i, complex, format="csc")
    out = np.zeros((n_wl, n_e, n_e), complex)
    for w in range(n_wl):
        if n_i:
            m_ii = sp.csc_matrix((val[w, ii], (ri[ii], partner_pos[ci[ii]])), shape=(n_i, n_i))
            rhs = np.zeros((n_i, n_e), complex)
            np.add.at(rhs, (ri[ie], ei[ie]), val[w, ie])
            b_i = spla.splu(eye - m_ii).solve(rhs)  # outgoing waves at internal ports
            a_i = b_i[partner_pos]  # incoming = partner's outgoing
            s_ei = sp.csr_matrix((val[w, ei_], (re_[ei_], ci[ei_])), shape=(n_e, n_i))
            out[w] += s_ei @ a_i
        np.add.at(out[w], (re_[ee], ei[ee]), val[w, ee])
    result: SDict = {}
    for j, a in enumerate(ext_names):
        for i, b in enumerate(ext_names):
            if np.any(out[:, i, j] != 0):
                result[(a, b)] = out[:, i, j]
    return result
