"""Every bad input to every command: exit code 2, one line naming the field or file, nothing
written (issue 13's table; the cases and their messages are listed in ``CASES``)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app

runner = CliRunner()

PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)
ARRAY = "array: {rows: 1, columns: 4, tile_columns: 4}\n"
ROUTE = (
    "instances:\n  a: {cell: straight%s}\n  b: {cell: straight, x: 220%s}\n"
    "connections:\n  - {from: 'a,o2', to: 'b,o1'}\n"
)

#: input files the cases refer to as {name}
FILES: dict[str, str | bytes] = {
    "afile.txt": "not an output folder\n",
    "picture.png": PNG,
    "picture.yaml": PNG,
    "picture.gds": PNG,
    "empty.gds": b"",
    "dup.yaml": "name: a\nname: b\n",
    "gap_nan.yaml": "name: x\n" + ARRAY + "qubitron: {gap_um: .nan}\n",
    "gap_inf.yaml": "name: x\n" + ARRAY + "qubitron: {gap_um: .inf}\n",
    "gap_1000.yaml": "name: x\n" + ARRAY + "qubitron: {gap_um: 1000}\n",
    "radius_nan.yaml": "name: x\n" + ARRAY + "qubitron: {radius_um: .nan}\n",
    "radius_inf.yaml": "name: x\n" + ARRAY + "qubitron: {radius_um: .inf}\n",
    "length_1e9.yaml": "name: x\n" + ARRAY + "qubitron: {length_y_um: 1.0e+9}\n",
    "length_1e4.yaml": "name: x\n" + ARRAY + "qubitron: {length_y_um: 1.0e+4}\n",
    "pitch_nan.yaml": "name: x\narray: {rows: 1, columns: 4, tile_columns: 4, "
    "tile_pitch_um: [.nan, 3000]}\n",
    "pitch_inf.yaml": "name: x\narray: {rows: 1, columns: 4, tile_columns: 4, "
    "tile_pitch_um: [3000, .inf]}\n",
    "pitch_1e12.yaml": "name: x\narray: {rows: 1, columns: 4, tile_columns: 4, "
    "tile_pitch_um: [1.0e+12, 3000]}\n",
    "huge_die.yaml": "name: x\narray: {rows: 4096, columns: 4096, tile_columns: 4}\n"
    "die: {width_um: 1.0e+9, height_um: 1.0e+9}\n",
    "die_inf.yaml": "name: x\n" + ARRAY + "die: {width_um: .inf}\n",
    "rows_true.yaml": "name: x\narray: {rows: true, columns: 4, tile_columns: 4}\n",
    "spacing_nan.yaml": "name: x\n" + ARRAY + "wdm: {spacing_nm: .nan}\n",
    "good_chip.yaml": "name: x\n" + ARRAY,
    "bad_block.yaml": "name: x\n" + ARRAY + "thermal: {electronics: [{name: b, xmin_um: 10, "
    "ymin_um: 0, xmax_um: 5, ymax_um: 10, power_mW: 1}]}\n",
    "unknown_cell.yaml": "instances:\n  a: {component: not_a_cell}\n",
    "route_x_1e12.yaml": ROUTE % (", x: 1.0e+12", ""),
    "route_y_nan.yaml": ROUTE % ("", ", y: .nan"),
    "route_rot_true.yaml": ROUTE % (", rotation: true", ""),
    "route_len_1e9.yaml": ROUTE % (", settings: {length: 1.0e+9}", ""),
    "route_radius_inf.yaml": ROUTE.replace(
        "connections", "settings: {radius_um: .inf}\nconnections"
    ) % ("", ""),
    "route_dup.yaml": ROUTE.replace("instances:", "name: a\nname: b\ninstances:") % ("", ""),
    "route_good.yaml": ROUTE % ("", ""),
}
FOLDERS = ("adir", "spec_dir.yaml")

# (command line, what the one error line must contain); {name} is a file or folder in the
# test's folder, {missing} a path under a folder that does not exist.
CASES: list[tuple[str, str]] = [
    # pdk: its two file outputs
    ("pdk --lyp {adir}", "--lyp {adir}: is a folder"),
    ("pdk --lyp {missing}/q.lyp", "does not exist"),
    ("pdk --lyp ''", "--lyp '': give a file name"),
    ("pdk --drc-deck {adir}", "--drc-deck {adir}: is a folder"),
    ("pdk --drc-deck {missing}/q.drc", "does not exist"),
    ("pdk --drc-deck {afile.txt}", "must end in .drc"),
    # drc: its inputs and its report folder
    ("drc {picture.gds}", "not a GDSII or OASIS file"),
    ("drc {empty.gds}", "file is empty"),
    ("drc {adir}", "not a file"),
    ("drc {missing}/a.gds", "no such file"),
    ("drc {picture.gds} --out {afile.txt}", "--out {afile.txt}: is a file"),
    ("drc {picture.gds} --out {missing}/r", "does not exist"),
    ("drc {picture.gds} --out ''", "give a folder name"),
    # cells --gallery
    ("cells --gallery {adir}", "--gallery {adir}: is a folder"),
    ("cells --gallery {missing}/g.gds", "does not exist"),
    ("cells --gallery ''", "give a file name"),
    ("cells --gallery {afile.txt}", "must end in .gds or .oas"),
    # cell: output and parameters
    ("cell straight --out {adir}", "--out {adir}: is a folder"),
    ("cell straight --out {missing}/s.gds", "does not exist"),
    ("cell straight --out ''", "give a file name"),
    ("cell straight --out {afile.txt}", "must end in .gds or .oas"),
    ("cell straight -p length=1e9 --out {out.gds}", "length: 1e+09 is out of range"),
    ("cell straight -p length=nan --out {out.gds}", "length: nan is not a finite number"),
    ("cell straight -p length=inf --out {out.gds}", "length: inf is not a finite number"),
    ("cell snspd -p n_wires=1000000000 --out {out.gds}", "n_wires: 1e+09 is out of range"),
    ("cell ring_allpass -p radius=1e9 --out {out.gds}", "radius: 1e+09 is out of range"),
    ("cell ring_allpass -p radius=nan --out {out.gds}", "radius: nan is not a finite"),
    ("cell straight -p lenght=3 --out {out.gds}", "has no parameter 'lenght'"),
    ("cell nope --out {out.gds}", "unknown cell 'nope'"),
    ("cell straight -p length --out {out.gds}", "must be written key=value"),
    # loss: inputs, wavelength, output
    ("loss {picture.yaml}", "{picture.yaml}: not a text file"),
    ("loss {spec_dir.yaml}", "{spec_dir.yaml}: is a folder"),
    ("loss {dup.yaml}", "duplicate key 'name'"),
    ("loss {unknown_cell.yaml}", "instances.a.component: unknown cell 'not_a_cell'"),
    ("loss {picture.gds}", "not a GDSII or OASIS file"),
    ("loss {nosidecar.gds}", "nosidecar.meta.oas, which is missing"),
    ("loss {good_chip.yaml} --centre-wl-um 0", "--centre-wl-um: 0 is out of range"),
    ("loss {good_chip.yaml} --centre-wl-um -1", "--centre-wl-um: -1 is out of range"),
    ("loss {good_chip.yaml} --centre-wl-um nan", "--centre-wl-um: nan is not a finite"),
    ("loss {good_chip.yaml} --centre-wl-um inf", "--centre-wl-um: inf is not a finite"),
    ("loss {good_chip.yaml} --centre-wl-um 1e9", "--centre-wl-um: 1e+09 is out of range"),
    ("loss {good_chip.yaml} --out {afile.txt}", "--out {afile.txt}: is a file"),
    ("loss {good_chip.yaml} --out {missing}/l", "does not exist"),
    ("loss {good_chip.yaml} --out ''", "give a folder name"),
    # fdtd: resolution and output are checked before MEEP starts
    ("fdtd straight --resolution 0 --out {f}", "--resolution: 0 is out of range"),
    ("fdtd straight --resolution -3 --out {f}", "--resolution: -3 is out of range"),
    ("fdtd straight --resolution nan --out {f}", "--resolution: nan is not a finite"),
    ("fdtd straight --resolution inf --out {f}", "--resolution: inf is not a finite"),
    ("fdtd straight --resolution 1e9 --out {f}", "--resolution: 1e+09 is out of range"),
    ("fdtd straight --out {afile.txt}", "--out {afile.txt}: is a file"),
    ("fdtd straight --out {missing}/f", "does not exist"),
    ("fdtd straight -p length=1e9 --out {f}", "length: 1e+09 is out of range"),
    ("fdtd nope --out {f}", "unknown cell 'nope'"),
    # validate
    ("validate --out {afile.txt}", "--out {afile.txt}: is a file"),
    ("validate --out {missing}/v", "does not exist"),
    # route: spec values and output
    ("route {route_x_1e12.yaml} --out {r}", "instances.a.x"),
    ("route {route_y_nan.yaml} --out {r}", "instances.b.y: Input should be a finite number"),
    ("route {route_rot_true.yaml} --out {r}", "instances.a.rotation"),
    ("route {route_len_1e9.yaml} --out {r}", "length: 1e+09 is out of range"),
    ("route {route_radius_inf.yaml} --out {r}", "settings.radius_um"),
    ("route {route_dup.yaml} --out {r}", "duplicate key 'name'"),
    ("route {picture.yaml} --out {r}", "{picture.yaml}: not a text file"),
    ("route {spec_dir.yaml} --out {r}", "{spec_dir.yaml}: is a folder"),
    ("route {route_good.yaml} --out {afile.txt}", "--out {afile.txt}: is a file"),
    ("route {route_good.yaml} --out {missing}/r", "does not exist"),
    # build: spec values, files, output root and schema
    ("build {gap_nan.yaml} --out {b}", "qubitron.gap_um: Input should be a finite number"),
    ("build {gap_inf.yaml} --out {b}", "qubitron.gap_um: Input should be a finite number"),
    ("build {gap_1000.yaml} --out {b}", "qubitron.gap_um: Input should be less than or equal"),
    ("build {radius_nan.yaml} --out {b}", "qubitron.radius_um: Input should be a finite"),
    ("build {radius_inf.yaml} --out {b}", "qubitron.radius_um: Input should be a finite"),
    ("build {length_1e9.yaml} --out {b}", "qubitron.length_y_um: Input should be less than"),
    ("build {length_1e4.yaml} --out {b}", "use a smaller ring"),
    ("build {pitch_nan.yaml} --out {b}", "array.tile_pitch_um.0: Input should be a finite"),
    ("build {pitch_inf.yaml} --out {b}", "array.tile_pitch_um.1: Input should be a finite"),
    ("build {pitch_1e12.yaml} --out {b}", "array.tile_pitch_um.0: Input should be less than"),
    ("build {huge_die.yaml} --out {b}", "die.width_um: Input should be less than or equal"),
    ("build {die_inf.yaml} --out {b}", "die.width_um: Input should be a finite number"),
    ("build {rows_true.yaml} --out {b}", "array.rows: expected a number, got True"),
    ("build {spacing_nan.yaml} --out {b}", "wdm.spacing_nm: Input should be a finite number"),
    ("build {dup.yaml} --out {b}", "{dup.yaml}: not valid YAML (line 2: duplicate key 'name')"),
    ("build {picture.yaml} --out {b}", "{picture.yaml}: not a text file"),
    ("build {spec_dir.yaml} --out {b}", "{spec_dir.yaml}: is a folder"),
    ("build {missing}/c.yaml --out {b}", "no such file"),
    ("build {good_chip.yaml} --out {afile.txt}", "--out {afile.txt}: is a file"),
    ("build {good_chip.yaml} --out {missing}/b", "does not exist"),
    ("build --schema {adir}", "--schema {adir}: is a folder"),
    ("build --schema {missing}/s.json", "does not exist"),
    ("build --schema ''", "--schema '': give a file name"),
    # showcase
    ("showcase --out {afile.txt}", "--out {afile.txt}: is a file"),
    ("showcase --out {missing}/s", "does not exist"),
    # thermal: layout or spec in, report folder out
    ("thermal {picture.gds} --out {r}", "not a GDSII or OASIS file"),
    ("thermal {empty.gds} --out {r}", "file is empty"),
    ("thermal {missing}/a.gds --out {r}", "no such file"),
    ("thermal {gap_nan.yaml} --out {r}", "qubitron.gap_um: Input should be a finite number"),
    ("thermal {dup.yaml} --out {r}", "duplicate key"),
    ("thermal {good_chip.yaml} --out {afile.txt}", "--out {afile.txt}: is a file"),
    ("thermal {bad_block.yaml} --out {r}", "electronics block b: xmax/ymax must exceed"),
    ("thermal {good_chip.yaml} --out {missing}/t", "does not exist"),
    ("thermal {good_chip.yaml} --out {r} --temperature-k 0.5", "temperature_K"),
    ("thermal {good_chip.yaml} --out {r} --max-heater-power-mw -1", "max_heater_power_mW"),
    # control and qec: a spec in, a folder out
    ("control {spacing_nan.yaml} --out {r}", "wdm.spacing_nm"),
    ("control {picture.yaml} --out {r}", "not a text file"),
    ("control --out {afile.txt}", "--out {afile.txt}: is a file"),
    ("qec {rows_true.yaml} --out {r}", "array.rows"),
    ("qec --out {missing}/q", "does not exist"),
    ("qec --out {r} --shots 5", "--shots"),
    # the 3D planner's layers
    ("route {route_good.yaml} --layers WG1,M1 --out {r}", "'M1' is not a waveguide layer"),
    ("route {route_good.yaml} --layers WG1,WG1 --out {r}", "distinct waveguide layers"),
    # sweep and optimize: a sweep / study file in, a folder out
    ("sweep {dup.yaml} --out {r}", "duplicate key 'name'"),
    ("sweep {missing}/s.yaml --out {r}", "no such file"),
    ("sweep {good_chip.yaml} --out {r}", "parameters: Field required"),
    ("optimize {dup.yaml}", "duplicate key 'name'"),
    ("optimize {missing}/o.yaml", "no such file"),
    ("optimize {good_chip.yaml}", "objectives: Field required"),
    # twin: a scenario file in, a folder out
    ("twin --scenario {dup.yaml} --out {r}", "duplicate key 'name'"),
    ("twin --scenario {missing}/s.yaml --out {r}", "no such file"),
]


def _snapshot(root: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
    }


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name, content in FILES.items():
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    for name in FOLDERS:
        (tmp_path / name).mkdir()
    import gdsfactory as gf

    from flows.gds_file import sidecar_path, write_mask

    write_mask(gf.components.straight(length=7.0), tmp_path / "nosidecar.gds")
    sidecar_path(tmp_path / "nosidecar.gds").unlink()  # a mask copied without its sidecar
    monkeypatch.chdir(tmp_path)  # stray writes to the working folder are caught too
    return tmp_path


def _argv(line: str, root: Path) -> list[str]:
    import shlex

    names = {n: str(root / n) for n in (*FILES, *FOLDERS, "nosidecar.gds")}
    names |= {"missing": str(root / "no" / "such"), "out.gds": str(root / "out.gds")}
    names |= {k: str(root / k) for k in ("f", "r", "b")}
    return [re.sub(r"\{([^}]+)\}", lambda m: names[m.group(1)], a) for a in shlex.split(line)]


@pytest.mark.parametrize(("line", "expected"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_one_line_exit_2_and_writes_nothing(
    workdir: Path, line: str, expected: str
) -> None:
    before = _snapshot(workdir)
    result = runner.invoke(app, _argv(line, workdir), env={"COLUMNS": "400"})
    errors = [s for s in result.stderr.splitlines() if s.strip()]
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    assert "Traceback" not in result.output
    assert len([s for s in errors if s.startswith("error:")]) == 1, result.stderr
    message = next(s for s in errors if s.startswith("error:"))
    assert _argv(expected, workdir)[0] in message, message
    assert _snapshot(workdir) == before, "a rejected command wrote something"


def test_every_command_has_cases() -> None:
    commands = {c.name or c.callback.__name__ for c in app.registered_commands}  # type: ignore[union-attr]
    covered = {line.split()[0] for line, _ in CASES}
    assert covered >= commands


@pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("setpriv") is None,
    reason="needs root to drop to user nobody with setpriv",
)
def test_read_only_folder_as_another_user_is_exit_2() -> None:
    """A folder the user may not write (checked as user nobody): exit 2, one line."""
    import tempfile

    tmp_path = Path(tempfile.mkdtemp(prefix="qc-readonly-"))  # pytest's is private to root
    os.chmod(tmp_path, 0o755)
    try:
        _run_as_nobody(tmp_path)
    finally:
        shutil.rmtree(tmp_path)


def _run_as_nobody(tmp_path: Path) -> None:
    ro = tmp_path / "ro"
    ro.mkdir()
    os.chmod(ro, 0o555)
    exe = str(Path(sys.executable).with_name("quantacore"))
    home = tmp_path / "home"
    home.mkdir()
    os.chmod(home, 0o777)
    env = {**os.environ, "HOME": str(home), "MPLCONFIGDIR": str(home)}
    for argv in (
        ["pdk", "--lyp", str(ro / "q.lyp")],
        ["cell", "straight", "--out", str(ro / "s.gds")],
        ["build", "--out", str(ro)],
    ):
        run = subprocess.run(
            ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", exe, *argv],
            capture_output=True, text=True, env=env, cwd=home, timeout=300,
        )
        assert run.returncode == 2, (argv, run.stdout, run.stderr)
        assert "permission denied" in run.stderr and "Traceback" not in run.stderr
        assert list(ro.iterdir()) == []


def test_a_second_writer_of_the_same_build_is_refused(workdir: Path) -> None:
    """Two builds with the same name into one --out: the second is refused, not mixed in."""
    from flows.output import atomic_folder

    with atomic_folder(workdir / "b" / "x") as tmp:  # another build of `x` is being written
        before = _snapshot(workdir)
        result = runner.invoke(
            app, ["build", str(workdir / "good_chip.yaml"), "--out", str(workdir / "b")]
        )
        assert result.exit_code == 2, result.output
        assert "another quantacore process is writing it" in result.stderr
        assert _snapshot(workdir) == before
        (tmp / "done").write_text("the first writer finishes")
    assert sorted(p.name for p in (workdir / "b").iterdir()) == ["x"]
    assert (workdir / "b" / "x" / "done").exists()
