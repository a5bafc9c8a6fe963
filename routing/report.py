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


class RouteReport(BaseModel):
    """Totals over the routed nets plus the per-net table and the WDM assignment."""

    nets: list[NetReport]
    routed: int
    unrouted: list[str]
    total_length_um: float
    total_bends: int
    total_crossings: int
    crossing_lower_bound: int | None = None
    total_insertion_loss_dB: float
    max_insertion_loss_dB: float
    worst_net: str | None
    channels_used: int
    bundle_notes: dict[str, str] = {}  # bundled waveguides the channel planner left to search
    iterations: int
    runtime_s: float
    pitch_um: float
    radius_um: float

    @property
    def ok(self) -> bool:
        return not self.unrouted

    def summary(self) -> str:
        """One line for logs and the CLI."""
        s = (
            f"{self.routed}/{len(self.nets)} nets routed, {self.total_crossings} crossings, "
            f"{self.total_bends} bends, IL total {self.total_insertion_loss_dB:.3f} dB, "
            f"max {self.max_insertion_loss_dB:.4f} dB ({self.worst_net}), "
            f"{self.channels_used} WDM channel(s), {self.runtime_s:.2f} s"
        )
        if self.unrouted:
            s += f"; UNROUTED: {', '.join(self.unrouted)}"
        return s

    def write_json(self, path: str | Path) -> Path:
        path = Path(path)
        path.write_text(self.model_dump_json(indent=2))
        return path
