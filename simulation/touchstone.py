"""Touchstone export of S-dicts through scikit-rf.

Example:
    >>> import numpy as np, tempfile, pathlib
    >>> from components import MODELS
    >>> wl = np.linspace(1.54, 1.56, 5)
    >>> s = MODELS["straight"](wl=wl, length_um=100.0)
    >>> path = write_touchstone(s, wl, pathlib.Path(tempfile.mkdtemp()) / "wg")
    >>> path.suffix
    '.s2p'
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import skrf
from numpy.typing import ArrayLike

from components.models.sdict import SDict, to_matrix

SPEED_OF_LIGHT_M_PER_S = 299_792_458.0


def sdict_to_network(s: SDict, wl_um: ArrayLike, name: str = "circuit") -> skrf.Network:
    """scikit-rf ``Network`` (frequency ascending, ``s[f, out, in]``) of an S-dict over ``wl_um``.

    Port names are kept in ``network.port_names``.
    """
    wl = np.atleast_1d(np.asarray(wl_um, float))
    ports, m = to_matrix(s)  # m[..., in, out]
    m = np.swapaxes(np.broadcast_to(m, (len(wl), len(ports), len(ports))), -1, -2)
    freq_hz = SPEED_OF_LIGHT_M_PER_S / (wl * 1e-6)
    order = np.argsort(freq_hz)
    net = skrf.Network(
        frequency=skrf.Frequency.from_f(freq_hz[order], unit="hz"), s=m[order], name=name
    )
    net.port_names = ports
    return net


def write_touchstone(s: SDict, wl_um: ArrayLike, path: str | Path) -> Path:
    """Write ``path`` + ``.sNp`` (N = number of ports); returns the written path."""
    path = Path(path)
    net = sdict_to_network(s, wl_um, name=path.stem)
    net.write_touchstone(str(path.with_suffix("")), skrf_comment=False)
    return path.with_suffix(f".s{net.nports}p")
