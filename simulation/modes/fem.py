"""Vectorial finite-element mode solver for straight and bent dielectric waveguides.

Formulation: the transverse-longitudinal E-field form of Vardapetyan & Demkowicz
(Electromagnetics 22, 419 (2002), doi:10.1080/02726340290084012), the one femwell uses:
Nedelec edge elements for E_t, Lagrange elements for a scaled E_z, Gauss's law as the second
equation, generalised eigenvalue lambda = beta^2. Here it is written for **diagonal anisotropic
eps and mu**, which is what the two exact transformations below need:

- **bend** (exact cylindrical transformation; Shyroki, IEEE Trans. MTT 56, 414 (2008)): a bend
  of radius R about the axis x = -R is the straight guide with eps' = eps diag(r/R, r/R, R/r),
  mu' = diag(r/R, r/R, R/r), r = R + x; beta is the azimuthal wavenumber per unit arc length
  at radius R, so n_eff is referenced to the centreline;
- **PML** (stretched coordinates, x~ = x - i int sigma): eps'_i = eps h_x h_y h_z / h_i^2 with
  h_x = s_x = 1 - i sigma_x, h_y = s_y, h_z = r~/R, the bend's r continued to complex r~ = R + x~
  (the radiated field outside is an outgoing Hankel function of r, analytic in r).

Why not femwell itself: femwell 0.1.12 installs from PyPI (with cadquery, vtk, gmsh for its
meshing), and its ``compute_modes`` applies the same (1 + x/R) factors, but it takes a
**scalar** mu_r, so it cannot carry the anisotropic mu of a stretched-coordinate PML; its bend
examples absorb with a lossy cladding instead, which under-estimates radiation loss. The forms
below are femwell's with full diagonal tensors, on scikit-fem (already a dependency), on a
structured mesh whose lines follow the core edges, so no mesher is needed.

Time convention exp(+i omega t), fields exp(-i beta z): a lossy mode has Im(n_eff) < 0.
Units: um throughout.

Example:
    >>> m = solve_mode(wl_um=1.55, eps_core=1.9963**2, eps_clad=1.444**2, width_um=0.8,
    ...                thickness_um=0.3, mesh=MeshSpec(h_core_um=0.1, h_clad_um=0.3))
    >>> 1.50 < m.n_eff.real < 1.56, m.te_fraction > 0.9
    (True, True)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
import scipy.sparse.csgraph as csgraph
import scipy.sparse.linalg as spla
from skfem import (
    Basis,
    BilinearForm,
    ElementTriN1,
    ElementTriN2,
    ElementTriP0,
    ElementTriP1,
    ElementTriP2,
    Functional,
    MeshTri,
)
from skfem.helpers import curl, grad
from threadpoolctl import threadpool_limits

__all__ = ["BentMode", "MeshSpec", "loss_dB_per_um", "solve_mode"]

_PML_SIGN = -1.0
_DB = 20.0 / math.log(10.0)  # field attenuation (Np) -> power dB


@dataclass(frozen=True)
class MeshSpec:
    """Computational window and element sizes (um) of the structured triangle mesh.

    Mesh lines follow the core edges; elements are ``h_core_um`` in the core, ``h_clad_um``
    within ``near_um`` of it and ``h_far_um`` further out. The window spans ``clad_inner_um``
    beyond the core edge towards the bend centre (a wall: the bent field decays that way),
    ``clad_outer_um`` (at least) beyond the outer edge and ``clad_vertical_um`` above and below;
    PMLs of ``pml_um`` surround it on the outer radial side and top/bottom. For a bend the outer
    window is stretched to reach ``caustic_margin_um`` past the caustic r_c = R n_eff / n_clad,
    where the evanescent tail turns into radiation. The PML stretch is
    s = kappa - i sigma with kappa = 1 + (pml_kappa - 1) d^2, sigma = pml_sigma d^2
    (d = depth / thickness): the real part damps the evanescent tail, the imaginary part the
    radiation.
    """

    h_core_um: float = 0.05
    h_clad_um: float = 0.1
    h_far_um: float = 0.25
    near_um: float = 0.6
    clad_inner_um: float = 2.5
    clad_outer_um: float = 2.5
    clad_vertical_um: float = 2.5
    pml_um: float = 1.5
    pml_sigma: float = 2.0
    pml_kappa: float = 3.0
    caustic_margin_um: float = 1.5
    order: int = 2


@dataclass(frozen=True)
class BentMode:
    """One guided mode: complex n_eff (referenced to radius R), its TE fraction and inputs."""

    wl_um: float
    radius_um: float
    n_eff: complex
    te_fraction: float
    dofs: int

    @property
    def loss_dB_per_um(self) -> float:
        """Radiation (and PML) power loss per um of centreline, dB/um."""
        return loss_dB_per_um(n_eff=self.n_eff, wl_um=self.wl_um)


def loss_dB_per_um(*, n_eff: complex, wl_um: float) -> float:
    """Power loss (dB/um) of a mode with complex index ``n_eff``: 20 log10(e) k0 |Im n_eff|.

    Example:
        >>> round(loss_dB_per_um(n_eff=1.5 - 1e-6j, wl_um=1.55) * 1e4, 4)   # dB/cm
        0.3521
    """
    return float(_DB * 2.0 * math.pi / wl_um * abs(complex(n_eff).imag))


def _half_axis(edge: float, near: float, clad: float, pml: float, spec: MeshSpec) -> list[float]:
    """Mesh lines from a core edge outwards: near cladding, far cladding, PML (distances > 0)."""
    far = max(clad, near)
    pts = _axis([edge, edge + near, edge + far], [spec.h_clad_um, spec.h_far_um])
    tail: list[float] = []
    if pml > 0:
        tail = list(_axis([edge + far, edge + far + pml], [spec.h_far_um])[1:])
    return [*pts, *tail]


def _axis(breaks: list[float], steps: list[float]) -> np.ndarray:
    """Mesh lines through every break, segment i split into ceil(length / steps[i]) parts."""
    pts = [np.array([breaks[0]])]
    for a, b, h in zip(breaks[:-1], breaks[1:], steps, strict=True):
        if b - a < 1e-9:
            continue
        n = max(1, math.ceil((b - a) / h - 1e-9))
        pts.append(np.linspace(a, b, n + 1)[1:])
    return np.concatenate(pts)


def _stretch(
    coord: np.ndarray, start: float, end: float, spec: MeshSpec
) -> tuple[np.ndarray, np.ndarray]:
    """PML stretch past ``start`` towards ``end``: (s, shift) with s = d(coord~)/d(coord) and
    shift = coord~ - coord, coord~ the complex stretched coordinate (zero outside the PML)."""
    length = abs(end - start)
    d = np.clip((coord - start) / (end - start), 0.0, None)
    s = 1.0 + (spec.pml_kappa - 1.0) * d**2 + _PML_SIGN * 1j * spec.pml_sigma * d**2
    shift = np.sign(end - start) * length * (s - 1.0) * d / 3.0
    return s, shift


def _shift_invert(
    a: sp.csc_matrix, b: sp.csc_matrix, sigma: complex, k: int
) -> tuple[np.ndarray, np.ndarray]:
    """Eigenpairs of a x = lam b x nearest ``sigma``: ARPACK on (a - sigma b)^-1 b.

    The matrix is factorised in reverse Cuthill-McKee order (a narrow band on these tensor
    meshes) with threshold pivoting that prefers the diagonal; on the strip's ~30k unknowns
    that is ~30x faster than SuperLU's default COLAMD with partial pivoting.
    """
    shifted = (a - sigma * b).tocsr()
    pattern = (abs(shifted) + abs(shifted.T)).tocsr()
    perm = csgraph.reverse_cuthill_mckee(pattern, symmetric_mode=True)
    inv = np.empty_like(perm)
    inv[perm] = np.arange(len(perm))
    lu = spla.splu(
        shifted[perm][:, perm].tocsc(), permc_spec="NATURAL", diag_pivot_thresh=0.01,
        options={"SymmetricMode": True},
    )
    b_p = b.tocsr()[perm][:, perm]

    def matvec(v: np.ndarray) -> np.ndarray:
        return lu.solve(b_p @ v)

    op = spla.LinearOperator(a.shape, matvec=matvec, dtype=complex)
    # ARPACK's BLAS calls on vectors of this size gain nothing from threads, and on a shared
    # machine a threaded OpenBLAS makes them ~100x slower (thread oversubscription)
    with threadpool_limits(limits=1):
        mu, vecs = spla.eigs(op, k=k, which="LM", ncv=max(2 * k + 8, 12), tol=1e-10)
    return sigma + 1.0 / mu, vecs[inv]


def solve_mode(
    *,
    wl_um: float,
    eps_core: complex,
    eps_clad: complex,
    width_um: float,
    thickness_um: float,
    radius_um: float = math.inf,
    n_guess: float | None = None,
    slab: bool = False,
    mesh: MeshSpec | None = None,
    num_modes: int = 2,
) -> BentMode:
    """The fundamental TE-like mode of a rectangular core (bent about x = -R, or straight).

    Args:
        wl_um: vacuum wavelength in um.
        eps_core: relative permittivity of the core.
        eps_clad: relative permittivity of the (homogeneous) cladding.
        width_um: core width in um (radial, x).
        thickness_um: core thickness in um (vertical, y); ignored for ``slab``.
        radius_um: centreline bend radius in um (``math.inf``: straight guide).
        n_guess: shift of the eigen-solve (default: slightly above sqrt(eps_core)... a guess
            close to the answer converges fastest).
        slab: a 2D slab (core of infinite height): no vertical PML, magnetic (natural) walls
            top and bottom, so the y-invariant H_y mode (E in plane, radial) is solved; used
            to check the solver against the exact radial (Bessel/Hankel) solution.
        mesh: window and element sizes (default :class:`MeshSpec`).
        num_modes: eigenpairs computed near the shift; the one with the largest Re n_eff and
            a dominant E_x (TE-like) is returned.

    Returns:
        the :class:`BentMode`.
    """
    spec = mesh or MeshSpec()
    k0 = 2.0 * math.pi / wl_um
    n_clad = math.sqrt(complex(eps_clad).real)
    bent = math.isfinite(radius_um)
    w2 = width_um / 2.0
    guess = n_guess if n_guess is not None else math.sqrt(complex(eps_core).real) * 0.9
    clad_out = spec.clad_outer_um
    if bent:  # reach past the caustic, where the evanescent tail becomes radiation
        clad_out = max(clad_out, radius_um * (guess / n_clad - 1.0) - w2 + spec.caustic_margin_um)
    right = _half_axis(w2, spec.near_um, clad_out, spec.pml_um, spec)
    left = _half_axis(w2, spec.near_um, spec.clad_inner_um, 0.0, spec)
    core = _axis([-w2, w2], [spec.h_core_um])
    xs = np.concatenate([-np.asarray(left[:0:-1]), core[:-1], right])
    x_in, x_out, x_pml = xs[0], w2 + max(clad_out, spec.near_um), xs[-1]
    if slab:
        t2 = 0.5 * spec.h_core_um
        ys = np.array([-t2, t2])
    else:
        t2 = thickness_um / 2.0
        up = _half_axis(t2, spec.near_um, spec.clad_vertical_um, spec.pml_um, spec)
        # half the window: the TE-like mode is even in y (E_x, E_z even, E_y odd), so y = 0
        # is a magnetic wall, the natural boundary condition of this formulation
        ys = np.concatenate([_axis([0.0, t2], [spec.h_core_um])[:-1], up])
        y_top, y_pml = t2 + max(spec.clad_vertical_um, spec.near_um), ys[-1]
    m = MeshTri.init_tensor(xs, ys)
    el_t, el_z = (ElementTriN2(), ElementTriP2()) if spec.order == 2 else (
        ElementTriN1(), ElementTriP1())
    basis_t = Basis(m, el_t)
    basis_z = basis_t.with_element(el_z)
    basis0 = basis_t.with_element(ElementTriP0())
    centroid = m.p[:, m.t].mean(axis=1)
    in_core = np.abs(centroid[0]) < w2
    if not slab:
        in_core &= np.abs(centroid[1]) < t2
    eps = np.where(in_core, complex(eps_core), complex(eps_clad)).astype(complex)
    eps_q = np.asarray(basis0.interpolate(eps))
    core_q = np.asarray(basis0.interpolate(in_core.astype(float)))

    x, y = np.asarray(basis_t.global_coordinates())
    s_x, shift_x = _stretch(x, x_out, x_pml, spec)
    if slab:
        s_y = np.ones_like(y, dtype=complex)
    else:
        s_y, _ = _stretch(y, y_top, y_pml, spec)
    if bent:
        h_z = (radius_um + x + shift_x) / radius_um  # r~ / R
    else:
        h_z = np.ones_like(x, dtype=complex)
    # eps'_i = eps h_x h_y h_z / h_i^2 and the same factors for mu (mu = 1); the forms below
    # take the products once: c_x = eps'_x, c_y = eps'_y, 1/mu'_y, 1/mu'_x, 1/mu'_z, eps'_z
    fx, fy, fz = s_y * h_z / s_x, s_x * h_z / s_y, s_x * s_y / h_z
    c_x, c_y = fx * eps_q, fy * eps_q
    inv_mu_y, inv_mu_x = 1.0 / fy, 1.0 / fx
    curl_coef = 1.0 / (fz * k0**2)
    zz_coef = fz * eps_q * k0**2

    @BilinearForm(dtype=complex)
    def a_tt(e, v, w):  # noqa: ANN001, ANN202 - scikit-fem form
        return curl(e) * curl(v) * curl_coef - (c_x * e[0] * v[0] + c_y * e[1] * v[1])

    @BilinearForm(dtype=complex)
    def a_tz(ez, v, w):  # noqa: ANN001, ANN202 - trial E_z, test E_t
        g = grad(ez)
        return inv_mu_y * g[0] * v[0] + inv_mu_x * g[1] * v[1]

    @BilinearForm(dtype=complex)
    def a_zt(e, vz, w):  # noqa: ANN001, ANN202 - trial E_t, test E_z (Gauss's law)
        g = grad(vz)
        return c_x * e[0] * g[0] + c_y * e[1] * g[1]

    @BilinearForm(dtype=complex)
    def a_zz(ez, vz, w):  # noqa: ANN001, ANN202 - scikit-fem form
        return -zz_coef * ez * vz

    @BilinearForm(dtype=complex)
    def b_tt(e, v, w):  # noqa: ANN001, ANN202 - scikit-fem form
        return -(inv_mu_y * e[0] * v[0] + inv_mu_x * e[1] * v[1]) / k0**2

    a = sp.bmat([
        [a_tt.assemble(basis_t), a_tz.assemble(basis_z, basis_t)],
        [a_zt.assemble(basis_t, basis_z), a_zz.assemble(basis_z)],
    ], format="csr")
    n_t = basis_t.N
    b = sp.bmat([[b_tt.assemble(basis_t), None], [None, sp.csr_matrix((basis_z.N, basis_z.N))]],
                format="csr")
    # the outer face of the PMLs and the inner radial wall: perfect electric conductor
    # (tangential E = 0; the field there is negligible)
    walls = m.facets_satisfying(
        lambda p: np.isclose(p[0], x_in) | np.isclose(p[0], x_pml)
        | (np.isclose(p[1], ys[-1]) if not slab else np.zeros(p.shape[1], bool))
    )
    fixed = np.concatenate([basis_t.get_dofs(walls).all(), n_t + basis_z.get_dofs(walls).all()])
    keep = np.setdiff1d(np.arange(n_t + basis_z.N), fixed)
    a_r = (-a)[keep][:, keep].tocsc()
    b_r = (-b)[keep][:, keep].tocsc()
    sigma = (k0 * guess) ** 2
    lam, vecs = _shift_invert(a_r, b_r, sigma, num_modes)
    n_effs = np.sqrt(lam.astype(complex)) / k0
    n_effs = np.where(n_effs.real < 0, -n_effs, n_effs)

    @Functional(dtype=complex)
    def e_x2(w):  # noqa: ANN001, ANN202 - scikit-fem functional
        return np.abs(w["E"][0]) ** 2

    @Functional(dtype=complex)
    def e_y2(w):  # noqa: ANN001, ANN202 - scikit-fem functional
        return np.abs(w["E"][1]) ** 2

    @Functional(dtype=complex)
    def e_core(w):  # noqa: ANN001, ANN202 - scikit-fem functional
        return (np.abs(w["E"][0]) ** 2 + np.abs(w["E"][1]) ** 2) * core_q

    best: tuple[float, complex, float] | None = None
    for i in range(len(lam)):
        full = np.zeros(n_t + basis_z.N, complex)
        full[keep] = vecs[:, i]
        fields = basis_t.interpolate(full[:n_t])
        px = e_x2.assemble(basis_t, E=fields).real
        py = e_y2.assemble(basis_t, E=fields).real
        te = float(px / (px + py))
        # the guided TE-like mode: most of its field in the core, E_x dominant
        score = e_core.assemble(basis_t, E=fields).real / (px + py) + (1.0 if te > 0.5 else 0.0)
        if best is None or score > best[0]:
            best = (score, complex(n_effs[i]), te)
    assert best is not None
    return BentMode(
        wl_um=wl_um, radius_um=radius_um, n_eff=best[1], te_fraction=best[2], dofs=len(keep)
    )
