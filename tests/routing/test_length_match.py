"""Length matching with meanders: exact extra length, DRC-clean, skew removed."""

from __future__ import annotations

from pathlib import Path

import gdsfactory as gf
import pytest

from control.timing import arrival_times_ns, skew_ns
from qc_pdk.drc import run_drc
from routing.length_match import (
    length_match_extras_um,
    length_matched_straight,
    meander,
    min_extra_length_um,
    path_length_um,
)

XS = "strip_wg2"
R_UM = 30.0
PITCH_UM = 400.0
SKEW_BOUND_PS = 0.05


@pytest.mark.parametrize("extra_um", [0.0, 1.0, 57.3, 400.0])
def test_meander_adds_the_requested_length(extra_um: float) -> None:
    least = min_extra_length_um(cross_section=XS, radius_um=R_UM)
    m = meander(extra_length_um=least + extra_um, cross_section=XS, radius_um=R_UM)
    assert path_length_um(m) - 4 * R_UM == pytest.approx(least + extra_um, abs=0.003)
    assert m.ports["o1"].center == (0.0, 0.0)
    assert m.ports["o2"].center == (4 * R_UM, 0.0)
    assert m.ports["o2"].orientation == 0


def test_too_small_an_extra_is_refused() -> None:
    least = min_extra_length_um(cross_section=XS, radius_um=R_UM)
    with pytest.raises(ValueError, match="least a meander"):
        meander(extra_length_um=least / 2, cross_section=XS, radius_um=R_UM)
    with pytest.raises(ValueError, match="shorter than the meander"):
        length_matched_straight(span_um=50.0, extra_length_um=least, cross_section=XS,
                                radius_um=R_UM)


def _bundle(lengths_um: dict[str, float], extras_um: dict[str, float]) -> gf.Component:
    c = gf.Component()
    for i, (net, span) in enumerate(lengths_um.items()):
        cell = length_matched_straight(
            span_um=span, extra_length_um=extras_um[net], cross_section=XS, radius_um=R_UM
        )
        assert cell.ports["o1"].center == (0.0, 0.0)  # the segment's ends stay put
        assert cell.ports["o2"].center == (span, 0.0)
        assert cell.ysize < PITCH_UM - 10.0  # the meander stays clear of the next net
        ref = c << cell
        ref.move((0.0, i * PITCH_UM))
        c.info[f"path_{net}"] = cell.info["path_length_um"]
    return c


def test_bundle_skew_before_and_after_matching(tmp_path: Path) -> None:
    spans = {"a": 900.0, "b": 1150.0, "c": 1400.0}  # a bundle of unequal straight runs
    before = skew_ns(arrival_times_ns(spans)) * 1e3
    assert before > 1.0  # ps: 500 um of SiN at n_g ~ 1.9
    extras = length_match_extras_um(spans)
    assert extras == {"a": 500.0, "b": 250.0, "c": 0.0}
    matched = _bundle(spans, extras)
    lengths = {k: float(matched.info[f"path_{k}"]) for k in spans}
    assert lengths == pytest.approx({k: 1400.0 for k in spans}, abs=0.003)
    after = skew_ns(arrival_times_ns(lengths)) * 1e3
    assert after < SKEW_BOUND_PS < before
    report = run_drc(matched.write_gds(tmp_path / "matched.gds"))
    assert report.clean, report.counts()


def test_tile_over_its_pump_skew_bound_gets_meanders_and_ends_under_it(tmp_path: Path) -> None:
    from flows.spec import default_chip
    from routing.tile import chip_tile
    from simulation.loss_budget import loss_budget

    bound_ps = 1.0
    # the compact placement's fan-outs (column placement's pump drops are straight and equal)
    design = default_chip().tile_design().model_copy(
        update={"max_pump_skew_ps": bound_ps, "placement": "compact"})
    tile = chip_tile(design)
    match = tile.info["length_match"]
    assert match["skew_before_ps"] > bound_ps  # the default routes differ by ~0.5 mm
    assert len(match["extra_um"]) == design.qubitrons
    assert any(i.name.startswith("pump_match_") for i in tile.insts)
    # after: the loss budget's own path lengths (what control.timing reads) meet the bound
    loss = loss_budget(tile, centre_wl_um=1.55)
    lengths = {p.output: p.length_um for p in loss.paths
               if p.input == "fibre_pump_in" and p.output.startswith("det:qubitron_")}
    assert len(lengths) == design.qubitrons
    assert skew_ns(arrival_times_ns(lengths)) * 1e3 < bound_ps
    assert match["skew_after_ps"] < bound_ps
    report = run_drc(tile.write_gds(tmp_path / "matched_tile.gds"))
    assert report.total_violations == 0, [(r.rule, r.count) for r in report.rules if r.count]
