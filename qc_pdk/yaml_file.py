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
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that rejects a key given twice in one mapping (YAML would keep the last)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def read_yaml_mapping(path: str | Path, *, what: str) -> dict[str, Any]:
    """The mapping in YAML file ``path``.

    Raises:
        ValueError: ``"<path>: ..."`` for a missing file, invalid YAML or a non-mapping
            document (``what`` names the expected content in that message).
    """
    path = Path(path)
    if path.is_dir():
        raise ValueError(f"{path}: is a folder, expected {what} (YAML file)")
    if not path.is_file():
        raise ValueError(f"{path}: no such file")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"{path}: not a text file (expected {what} in YAML)") from None
    except OSError as e:
        raise ValueError(f"{path}: cannot read ({e.strerror})") from None
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark
        where = f"line {mark.line + 1}: " if mark is not None else ""
        raise ValueError(f"{path}: not valid YAML ({where}{e.problem})") from None
    except yaml.YAMLError as e:
        raise ValueError(f"{path}: not valid YAML ({' '.join(str(e).split())})") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path}: {what} is a YAML mapping of fields")
    return data


def format_validation_error(e: ValidationError) -> str:
    """pydantic errors as ``field.path: message`` joined by ``; ``."""
    lines = []
    for err in e.errors():
        where = ".".join(str(p) for p in err["loc"])
        msg = err["msg"].removeprefix("Value error, ")
        lines.append(f"{where}: {msg}" if where else msg)  # model checks name their fields
    return "; ".join(lines)


def read_yaml_model(path: str | Path, model: type[M], *, what: str,
                    error: type[Exception]) -> M:
    """The pydantic ``model`` read from YAML file ``path``, every problem as one ``error``.

    Args:
        path: the YAML file.
        model: the pydantic model its mapping must validate as.
        what: what the file should hold, for the messages ("a chip spec").
        error: the exception raised (an ``InputError`` subclass of the caller's).

    Raises:
        error: ``"<path>: ..."`` for a missing or unreadable file, bad YAML, a non-mapping,
            or fields that fail validation (``field.path: message``).

    Example:
        >>> import tempfile, pathlib
        >>> class Chip(BaseModel):
        ...     name: str
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.yaml"
        >>> _ = p.write_text("name: chip\\n")
        >>> read_yaml_model(p, Chip, what="a chip", error=ValueError).name
        'chip'
    """
    try:
        data = read_yaml_mapping(path, what=what)
    except ValueError as e:
        raise error(str(e)) from None
    try:
        return model.model_validate(data)
    except ValidationError as e:
        raise error(f"{path}: {format_validation_error(e)}") from None
