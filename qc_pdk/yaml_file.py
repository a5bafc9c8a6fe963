"""Reading the toolkit's YAML inputs (chip specs, route specs, circuits) with clear errors.

Example:
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.yaml"
    >>> _ = p.write_text("name: chip\\n")
    >>> read_yaml_mapping(p, what="a chip spec")
    {'name': 'chip'}
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError


def read_yaml_mapping(path: str | Path, *, what: str) -> dict[str, Any]:
    """The mapping in YAML file ``path``.

    Raises:
        ValueError: ``"<path>: ..."`` for a missing file, invalid YAML or a non-mapping
            document (``what`` names the expected content in that message).
    """
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"{path}: no such file")
    try:
        data = yaml.safe_load(path.read_text())
    except yaml.YAMLError as e:
        raise ValueError(f"{path}: not valid YAML ({e})") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path}: {what} is a YAML mapping of fields")
    return data


def format_validation_error(e: ValidationError) -> str:
    """pydantic errors as ``field.path: message`` joined by ``; ``."""
    lines = []
    for err in e.errors():
        where = ".".join(str(p) for p in err["loc"]) or "spec"
        lines.append(f"{where}: {err['msg'].removeprefix('Value error, ')}")
    return "; ".join(lines)
