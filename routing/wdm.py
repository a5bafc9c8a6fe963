"""WDM wavelength assignment: logical connections sharing a waveguide get distinct channels.

Conflict graph: one vertex per logical connection, an edge between two connections that share
a physical waveguide (same net). Channels are a colouring of that graph, by DSATUR (optimal on
the cliques that waveguide sharing produces); channels fixed by the user are kept and must
not clash.

Example:
    >>> assign_channels({"a": "bus", "b": "bus", "c": "bus", "d": "other"})
    ({'a': 0, 'b': 1, 'c': 2, 'd': 0}, 3)
"""

from __future__ import annotations

from collections.abc import Mapping


def assign_channels(
    waveguide_of: Mapping[str, str], fixed: Mapping[str, int] | None = None
) -> tuple[dict[str, int], int]:
    """Channel per logical connection and the number of channels used.

    Args:
        waveguide_of: logical connection name -> name of the physical waveguide it uses.
        fixed: channels the user chose (connection name -> channel index >= 0).

    Returns:
        ``(channel by connection, number of distinct channels)``.

    Raises:
        ValueError: two fixed channels clash on one waveguide.
    """
    fixed = dict(fixed or {})
    groups: dict[str, list[str]] = {}
    for name in sorted(waveguide_of):
        groups.setdefault(waveguide_of[name], []).append(name)
    neighbours = {n: {m for m in groups[w] if m != n} for n, w in waveguide_of.items()}
    colour: dict[str, int] = {}
    for name, ch in sorted(fixed.items()):
        if ch < 0:
            raise ValueError(f"connections[{name}].channel must be >= 0, got {ch}")
        clash = [m for m in neighbours[name] if fixed.get(m) == ch]
        if clash:
            raise ValueError(
                f"connections {name!r} and {clash[0]!r} share waveguide {waveguide_of[name]!r} "
                f"but both ask for channel {ch}"
            )
        colour[name] = ch
    todo = sorted(set(waveguide_of) - set(colour))
    while todo:  # DSATUR: most distinct neighbour colours first, then degree, then name
        def key(n: str) -> tuple[int, int, str]:
            sat = {colour[m] for m in neighbours[n] if m in colour}
            return (-len(sat), -len(neighbours[n]), n)

        n = min(todo, key=key)
        used = {colour[m] for m in neighbours[n] if m in colour}
        colour[n] = next(c for c in range(len(used) + 1) if c not in used)
        todo.remove(n)
    return colour, len(set(colour.values()))
