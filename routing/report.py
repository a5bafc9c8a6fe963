"""The route report: per-net length, bends, crossings and insertion loss; totals; WDM channels.

Written as ``route.json`` (``RouteReport.model_dump_json``) next to a PNG of the layout.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel


class NetReport(BaseModel):
    """One logical connection. Lengths in um, losses in dB; ``reason`` set when unrouted."""

    name: str
    source: str
    target: str
    routed: bool
    length_um: float = 0.0
    bends: int = 0
    crossings: int = 0
    insertion_loss_dB: float = 0.0
    waveguide: str = ""
    channel: int | None = None
    bundle: str | None = None
    planner: str = "search"  # "channel" (bundle planned as a channel) or "search"
    reason: str | None = None


class CheckReport(BaseModel):
    """The router's measurement of what it drew (``routing.verify``), before reporting it.

    Nets that fail are removed from the layout and reported unrouted, so ``clean`` holds for
    every returned result; the counts say what was found and removed.
    """

    self_overlaps: int = 0  # places where a net ran over itself
    mutual_overlaps: int = 0  # places where two nets overlapped outside a crossing cell
    cell_overlaps: int = 0  # places where a route ran over a placed cell
    drc_violations: int = 0  # DRC markers touching a route (hierarchical, routed region)
    drc_counts: dict[str, int] = {}
    drc_unattributed: int = 0  # markers of the placed cells themselves, near the routes
    drc_checked: bool = True
    region_instances: int = 0  # instances in the checked region (routes and neighbours)
    failed: dict[str, str] = {}  # waveguide -> why it failed (removed, reported unrouted)
    runtime_s: float = 0.0

    @property
    def clean(self) -> bool:
        return not self.failed


class RouteReport(BaseModel):
    """Totals over the routed nets plus the per-net table and the WDM assignment.

    ``nets`` lists logical connections; connections that share a port pair share one
    waveguide (WDM), so ``routed`` / ``unrouted`` count connections and
    ``waveguides_routed`` / ``waveguides`` the drawn waveguides.
    """

    nets: list[NetReport]
    routed: int  # logical connections routed
    unrouted: list[str]
    waveguides: int = 0
    waveguides_routed: int = 0
    total_length_um: float
    total_bends: int
    total_crossings: int
    # fewest crossings of any routing that keeps each bundle inside its channel (the
    # inversions of its port order); None unless every bundled net was planned in its channel
    crossing_lower_bound: int | None = None
    check: CheckReport = CheckReport()
    total_insertion_loss_dB: float
    max_insertion_loss_dB: float
    worst_net: str | None
    channels_used: int
    bundle_notes: dict[str, str] = {}  # bundled waveguides the channel planner left to search
    iterations: int
    rip_ups: int = 0  # legal nets evicted for a blocked net in the legal pass, then rerouted
    runtime_s: float
    pitch_um: float
    radius_um: float

    @property
    def ok(self) -> bool:
        return not self.unrouted

    def summary(self) -> str:
        """One line for logs and the CLI."""
        s = (
            f"{self.routed}/{len(self.nets)} connections routed on "
            f"{self.waveguides_routed}/{self.waveguides} waveguides, "
            f"{self.total_crossings} crossings, "
            f"{self.total_bends} bends, IL total {self.total_insertion_loss_dB:.3f} dB, "
            f"max {self.max_insertion_loss_dB:.4f} dB ({self.worst_net}), "
            f"{self.channels_used} WDM channel(s), {self.runtime_s:.2f} s"
        )
        c = self.check
        s += (f"; check: {c.self_overlaps + c.mutual_overlaps + c.cell_overlaps} overlaps, "
              f"{c.drc_violations} DRC on routes")
        if self.unrouted:
            s += f"; UNROUTED: {', '.join(self.unrouted)}"
        return s

    def write_json(self, path: str | Path) -> Path:
        path = Path(path)
        path.write_text(self.model_dump_json(indent=2))
        return path
