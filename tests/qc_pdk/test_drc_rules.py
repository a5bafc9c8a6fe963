"""Each design rule: a layout breaking exactly that rule is flagged there; its legal twin is not."""

from __future__ import annotations

import pytest

from qc_pdk.drc import run_drc
from qc_pdk.rules import RULES, DesignRule
from tests.qc_pdk.rule_layouts import clean_layout_for, violating_layout


def _overlaps(a: tuple[float, ...], b: tuple[float, ...], margin: float = 0.01) -> bool:
    return (
        a[0] <= b[2] + margin
        and b[0] <= a[2] + margin
        and a[1] <= b[3] + margin
        and b[1] <= a[3] + margin
    )


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.name)
def test_rule_is_reported_alone_and_in_place(rule: DesignRule, tmp_path) -> None:
    path, window = violating_layout(rule, tmp_path / f"{rule.name}.gds")
    report = run_drc(path)
    assert set(report.counts()) == {rule.name}, report.counts()
    outcome = report.outcome(rule.name)
    assert outcome.count >= 1
    for v in outcome.violations:
        assert _overlaps(v.bbox_um, window), (v.bbox_um, window)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.name)
def test_legal_layout_is_clean(rule: DesignRule, tmp_path) -> None:
    report = run_drc(clean_layout_for(rule, tmp_path / f"{rule.name}_ok.gds"))
    assert report.clean, report.counts()


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.name)
def test_flat_and_deep_agree(rule: DesignRule, tmp_path) -> None:
    path, _ = violating_layout(rule, tmp_path / f"{rule.name}.gds")
    assert run_drc(path, deep=False).counts() == run_drc(path).counts()
