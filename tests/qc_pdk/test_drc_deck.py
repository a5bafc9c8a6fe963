"""The exported KLayout DRC deck finds the same violations as `quantacore drc`."""

from __future__ import annotations

import shutil
import subprocess
from collections import Counter

import klayout.rdb as rdb
import pytest

from qc_pdk.drc import run_drc
from qc_pdk.drc_deck import write_drc_deck
from qc_pdk.rules import RULES
from tests.qc_pdk.rule_layouts import violating_layout

KLAYOUT = shutil.which("klayout")
pytestmark = pytest.mark.skipif(
    KLAYOUT is None, reason="the KLayout application (Debian package `klayout`) is not installed"
)


def _deck_counts(deck, gds, report) -> dict[str, int]:
    subprocess.run(
        [KLAYOUT, "-b", "-r", str(deck), "-rd", f"input={gds}", "-rd", f"report={report}"],
        check=True,
        capture_output=True,
        timeout=120,
    )
    db = rdb.ReportDatabase("")
    db.load(str(report))
    counts: Counter[str] = Counter()
    for cat in db.each_category():
        counts[cat.name()] += cat.num_items()
    return {k: v for k, v in counts.items() if v}


def test_deck_matches_engine_on_every_rule(tmp_path) -> None:
    deck = write_drc_deck(tmp_path / "quantacore.drc")
    for rule in RULES:
        gds, _ = violating_layout(rule, tmp_path / f"{rule.name}.gds")
        expected = run_drc(gds).counts()
        assert _deck_counts(deck, gds, tmp_path / f"{rule.name}.lyrdb") == expected, rule.name
