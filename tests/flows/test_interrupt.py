"""Ctrl-C, SIGTERM and SIGKILL during a rebuild: ``OUT/NAME/`` is always the previous complete
build or the new complete build, never a mix, and no temporary folder is left for good."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from flows.spec import default_chip

EXE = str(Path(sys.executable).with_name("quantacore"))
NAME = "sig"
DIES_UM = (6000.0, 6500.0)  # two specs of the same name, told apart by their die width


def _tree(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _build(spec: Path, out: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [EXE, "build", str(spec), "--out", str(out)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "COLUMNS": "200"},
    )


def _spec(die_width_um: float) -> str:
    """The default chip's physics on one tile, named NAME (YAML is a superset of JSON)."""
    spec = default_chip().model_dump(mode="json")
    spec |= {"name": NAME, "array": {"rows": 1, "columns": 4, "tile_columns": 4}}
    spec["die"]["width_um"] = die_width_um
    return json.dumps(spec)


def _complete_build(folder: Path, die_width_um: float) -> None:
    report = json.loads((folder / "report.json").read_text())
    assert report["spec"]["die"]["width_um"] == die_width_um
    assert json.loads((folder / "spec.json").read_text())["die"]["width_um"] == die_width_um
    for name in (f"{NAME}.gds", f"{NAME}.meta.oas", "report.html", "drc/drc.json"):
        assert (folder / name).stat().st_size > 0, name
    assert json.loads((folder / "drc" / "drc.json").read_text())["file"] == str(
        folder / f"{NAME}.gds"
    )  # the report names the final file, not the deleted temporary one


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with both specs and a first complete build in ``out/``."""
    root = tmp_path_factory.mktemp("interrupt")
    for width in DIES_UM:
        (root / f"{width}.yaml").write_text(_spec(width))
    proc = _build(root / f"{DIES_UM[0]}.yaml", root / "out")
    _, err = proc.communicate(timeout=900)
    assert proc.returncode == 0, err
    _complete_build(root / "out" / NAME, DIES_UM[0])
    return root


def _rebuild(root: Path) -> tuple[subprocess.Popen[str], dict[str, str], float]:
    """Start building the spec that is not in ``out/NAME`` now; the tree there, the new width."""
    folder = root / "out" / NAME
    current = json.loads((folder / "spec.json").read_text())["die"]["width_um"]
    new = DIES_UM[1] if current == DIES_UM[0] else DIES_UM[0]
    return _build(root / f"{new}.yaml", root / "out"), _tree(folder), new


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
@pytest.mark.parametrize("after_stage", ["gds", "loss", "report"])
def test_interrupted_rebuild_keeps_the_old_build_or_completes_the_new(
    root: Path, sig: signal.Signals, after_stage: str
) -> None:
    proc, old_tree, new_width = _rebuild(root)
    assert proc.stderr is not None
    for line in proc.stderr:
        if line.strip().startswith(after_stage):
            proc.send_signal(sig)
            break
    _, rest = proc.communicate(timeout=900)
    folder = root / "out" / NAME
    if proc.returncode == 130:  # interrupted: the previous build untouched
        assert "interrupted" in rest and "Traceback" not in rest
        assert _tree(folder) == old_tree
    else:  # the signal came after the swap: the new build is complete
        assert proc.returncode in (0, 1), rest
        _complete_build(folder, new_width)
    assert sorted(p.name for p in (root / "out").iterdir()) == [NAME]  # no temporary, no lock


def test_killed_build_leaves_a_temporary_the_next_build_removes(root: Path) -> None:
    out = root / "out"
    proc, old_tree, _ = _rebuild(root)
    assert proc.stderr is not None
    for line in proc.stderr:
        if line.strip().startswith("drc"):
            proc.kill()  # SIGKILL: nothing can clean up
            break
    proc.communicate(timeout=60)
    assert _tree(out / NAME) == old_tree
    assert any(p.name.startswith(f".{NAME}.tmp-") for p in out.iterdir())
    proc, _, new_width = _rebuild(root)
    _, err = proc.communicate(timeout=900)
    assert proc.returncode == 0, err
    _complete_build(out / NAME, new_width)
    assert sorted(p.name for p in out.iterdir()) == [NAME]
