"""The build report's DRC section from KLayout's DRC report: every rule and where it failed.

Example:
    >>> from qc_pdk.drc import DrcReport, RuleOutcome, Violation
    >>> o = RuleOutcome(rule="WG2.W.1", kind="width", layers=["WG2"], value=0.5, unit="um",
    ...                 reason="r", count=1, hierarchical_count=1,
    ...                 violations=[Violation(bbox_um=(0, 0, 1, 1))], listed_all=True)
    >>> r = DrcReport(file="a.gds", top_cell="T", dbu_um=0.001, mode="deep", runtime_s=0.1,
    ...               total_violations=1, rules=[o])
    >>> s = drc_summary(r)
    >>> s.clean, s.by_rule, s.markers[0].bbox_um
    (False, {'WG2.W.1': 1}, (0.0, 0.0, 1.0, 1.0))
"""

from __future__ import annotations

from flows.report import DrcMarker, DrcRuleLine, DrcSummary
from qc_pdk.drc import DrcReport

__all__ = ["MAX_MARKERS", "drc_summary"]

#: violation boxes kept in the report (the marker database ``drc/drc.lyrdb`` has them all)
MAX_MARKERS = 500


def drc_summary(report: DrcReport, *, max_markers: int = MAX_MARKERS) -> DrcSummary:
    """Counts per rule, every rule checked, and the first ``max_markers`` violation boxes (um,
    chip coordinates) of ``report``."""
    markers = [
        DrcMarker(rule=o.rule, bbox_um=v.bbox_um) for o in report.rules for v in o.violations
    ][:max_markers]
    return DrcSummary(
        clean=report.clean,
        total_violations=report.total_violations,
        by_rule=report.counts(),
        runtime_s=report.runtime_s,
        rules=[
            DrcRuleLine(
                rule=o.rule, kind=o.kind, layers=list(o.layers), value=o.value, unit=o.unit,
                reason=o.reason, violations=o.count,
            )
            for o in report.rules
        ],
        markers=markers,
    )
