"""Cell catalogue helpers: parameters, building from ``key=value`` strings, gallery, PNG preview.

Example:
    >>> from components.gallery import build_cell, cell_parameters
    >>> cell_parameters("straight")["length"]
    10.0
    >>> build_cell("straight", {"length": "25"}).ports["o2"].center
    (25.0, 0.0)
"""

from __future__ import annotations

import inspect
from pathlib import Path

import gdsfactory as gf

from components.registry import REGISTRY
from qc_pdk.errors import InputError
from qc_pdk.layers import LAYER
from qc_pdk.limits import MAX_COUNT, MAX_LENGTH_UM, MAX_RADIUS_UM, LimitError, check_number


class CellInputError(InputError):
    """A cell name or parameter from the user that cannot be built (named in the message)."""


_TRUE = {"1", "true", "yes", "on", "y", "t"}
_FALSE = {"0", "false", "no", "off", "n", "f"}


def list_cells() -> list[str]:
    """Names of the library's cells, sorted."""
    return sorted(name for name, entry in REGISTRY.items() if entry.cell is not None)


def _cell(name: str):  # noqa: ANN202 - returns the registered cell function
    entry = REGISTRY.get(name)
    if entry is not None and entry.cell is not None:
        return entry.cell
    raise CellInputError(f"unknown cell {name!r}; valid cells: {', '.join(list_cells())}")


def cell_parameters(name: str) -> dict[str, object]:
    """``{parameter: default}`` of cell ``name`` (from its signature)."""
    sig = inspect.signature(_cell(name))
    return {
        p.name: (None if p.default is inspect.Parameter.empty else p.default)
        for p in sig.parameters.values()
        if p.kind not in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
    }


def _parse_scalar(text: str, kind: str) -> object:
    t = text.strip()
    if kind == "bool":
        if t.lower() in _TRUE:
            return True
        if t.lower() in _FALSE:
            return False
        raise CellInputError(f"expected a boolean (true/false), got {text!r}")
    if kind == "int":
        f = float(t)
        if not f.is_integer():
            raise CellInputError(f"expected an integer, got {text!r}")
        return int(f)
    if kind == "float":
        return float(t)
    return t


def _kind(annotation: object, default: object) -> str:
    if isinstance(default, bool):
        return "bool"
    if isinstance(default, int):
        return "int"
    if isinstance(default, float):
        return "float"
    if isinstance(default, tuple):
        return "tuple"
    ann = str(annotation)
    for kind in ("bool", "tuple", "float", "int"):
        if kind in ann:
            return kind
    return "str"


def parse_value(text: str, annotation: object, default: object) -> object:
    """Parse ``text`` into the type of a parameter (its default's type, else its annotation)."""
    t = text.strip()
    if t.lower() == "none" and (default is None or "None" in str(annotation)):
        return None
    kind = _kind(annotation, default)
    if kind == "tuple":
        items = [s for s in t.strip("()[] ").split(",") if s.strip()]
        elem = "float"
        if isinstance(default, tuple) and default:
            elem = _kind(None, default[0])
        return tuple(_parse_scalar(s, elem) for s in items)
    return _parse_scalar(t, kind)


def check_bounds(cell: str, key: str, value: object) -> object:
    """``value`` of parameter ``key`` of ``cell`` when inside the toolkit's limits.

    Every number must be finite; counts (integers) at most ``MAX_COUNT``; radii at most
    ``MAX_RADIUS_UM``; other lengths at most ``MAX_LENGTH_UM`` in magnitude. The cell's own
    checks (minimum radius, widths, ...) come after.

    Raises:
        CellInputError: ``"cell 'NAME': KEY: ..."`` naming the parameter.

    Example:
        >>> check_bounds("snspd", "n_wires", 12)
        12
    """
    if isinstance(value, tuple):
        return tuple(check_bounds(cell, key, v) for v in value)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    if isinstance(value, int):
        high = float(MAX_COUNT)
    else:
        high = MAX_RADIUS_UM if "radius" in key else MAX_LENGTH_UM
    try:
        check_number(value, field=key, low=-high, high=high)
    except LimitError as e:
        raise CellInputError(f"cell {cell!r}: {e}") from None
    return value


def build_cell(name: str, params: dict[str, str] | None = None) -> gf.Component:
    """Build cell ``name`` with parameters given as strings (``{"radius": "25"}``).

    Raises:
        CellInputError: unknown cell or parameter (listing the valid ones), unparsable value,
            or a value the cell rejects (its message names the parameter).
    """
    func = _cell(name)
    sig = inspect.signature(func)
    kwargs: dict[str, object] = {}
    for key, text in (params or {}).items():
        if key not in sig.parameters:
            valid = ", ".join(sig.parameters)
            raise CellInputError(
                f"cell {name!r} has no parameter {key!r}; valid parameters: {valid}"
            )
        p = sig.parameters[key]
        default = None if p.default is inspect.Parameter.empty else p.default
        try:
            kwargs[key] = (
                parse_value(str(text), p.annotation, default) if isinstance(text, str) else text
            )
        except CellInputError as e:
            raise CellInputError(f"cell {name!r}: {key}: {e}") from None
        except ValueError as e:
            raise CellInputError(f"cell {name!r}: bad value for {key!r}: {e}") from None
        check_bounds(name, key, kwargs[key])
    try:
        return func(**kwargs)
    except CellInputError:
        raise
    except ValueError as e:  # the cell's own parameter checks name the parameter
        raise CellInputError(f"cell {name!r}: {e}") from None


def parse_assignments(items: list[str]) -> dict[str, str]:
    """``["a=1", "b=x"]`` -> ``{"a": "1", "b": "x"}``; raises ValueError on items without '='."""
    out: dict[str, str] = {}
    for item in items:
        if "=" not in item:
            raise CellInputError(f"parameter {item!r} must be written key=value")
        k, v = item.split("=", 1)
        out[k.strip()] = v.strip()
    return out


@gf.cell
def gallery(columns: int = 4, spacing: float = 60.0, label_size: float = 10.0) -> gf.Component:
    """Every registered cell with default parameters on a grid, each labelled with its name.

    Args:
        columns: cells per row (>= 1).
        spacing: clear space between neighbouring cells' bounding boxes in um (>= 10).
        label_size: height of the label text in um (labels are TEXT-layer text objects).
    """
    if int(columns) != columns or columns < 1:
        raise CellInputError(f"columns={columns} must be an integer >= 1")
    if spacing < 10:
        raise CellInputError(f"spacing={spacing} must be >= 10 um (cells must not interact)")
    c = gf.Component()
    names = list_cells()
    comps = [_cell(n)() for n in names]
    rows = [comps[i : i + int(columns)] for i in range(0, len(comps), int(columns))]
    row_names = [names[i : i + int(columns)] for i in range(0, len(names), int(columns))]
    y_top = 0.0
    for row, rnames in zip(rows, row_names, strict=True):
        height = max(comp.dbbox().height() for comp in row) + label_size * 2
        x = 0.0
        for comp, name in zip(row, rnames, strict=True):
            ref = c << comp
            b = comp.dbbox()
            ref.move((x - b.left, y_top - label_size * 2 - b.top))
            c.add_label(name, position=(x, y_top - label_size), layer=LAYER.TEXT)
            x += b.width() + spacing
        y_top -= height + spacing
    c.info["cells"] = list(names)
    return c


def write_png(component: gf.Component, path: str | Path, dpi: int = 150) -> Path:
    """Write a PNG preview of ``component`` (matplotlib, Agg backend); returns the path."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig = component.plot(return_fig=True)
    if fig is None:  # pragma: no cover - gdsfactory versions without return_fig
        fig = plt.gcf()
    fig.savefig(path, dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    return path
