"""The HTML report in a real browser (Debian's Chromium through Playwright), opened from disk.

One default-chip build is shared by the module. The page must load with no console error and
no network request, draw every plot, answer a hover and a legend click, zoom its layout view
down to the tile's polygons, and show the summary numbers report.json holds. A screenshot of
the top of the page is kept in ``tests/artifacts/report_top.png``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image
from rich.console import Console

from flows.build import build_chip
from flows.spec import default_chip

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian's chromium is not installed (make setup installs it)"
)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report")
    result = build_chip(default_chip(), out, Console(quiet=True))
    return result.folder


@pytest.fixture(scope="module")
def page(built: Path) -> Iterator[Any]:
    """The report loaded in Chromium; ``page.problems`` collects console errors, page errors
    and any request that leaves the disk."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        pg = browser.new_page(viewport={"width": 1280, "height": 900})
        problems: list[str] = []
        pg.on("console", lambda m: problems.append(f"console {m.type}: {m.text}")
              if m.type == "error" else None)
        pg.on("pageerror", lambda e: problems.append(f"page error: {e}"))

        def offline(route: Any) -> None:
            url = route.request.url
            if not url.startswith(("file:", "data:", "blob:")):
                problems.append(f"network request: {url}")
                route.abort()
            else:
                route.continue_()

        pg.route("**/*", offline)
        pg.goto((built / "report.html").as_uri())
        pg.wait_for_function(
            "document.querySelectorAll('div.plot').length > 0 && "
            "Array.from(document.querySelectorAll('div.plot')).every(d => d._fullLayout)",
            timeout=30_000,
        )
        pg.problems = problems
        yield pg
        browser.close()


def test_page_loads_offline_with_no_console_error(page: Any) -> None:
    assert page.problems == []
    assert page.title().endswith(default_chip().name)


def test_every_plot_is_drawn_with_data_and_a_size(page: Any) -> None:
    plots = page.evaluate("""Array.from(document.querySelectorAll('div.plot')).map(d => ({
        id: d.id || d.getAttribute('data-fig'), w: d.getBoundingClientRect().width,
        h: d.getBoundingClientRect().height, traces: d._fullData.length,
        svg: d.querySelectorAll('.main-svg').length}))""")
    assert len(plots) >= 9  # chip, tile, loss x4, DRC, thermal, QEC, stages ...
    for p in plots:
        assert p["w"] > 300 and p["h"] > 200 and p["traces"] > 0 and p["svg"] > 0, p
    images = page.evaluate("""Array.from(document.images).map(i => [i.src, i.naturalWidth])""")
    assert all(width > 0 for _, width in images), images


def test_a_plot_answers_hover_and_a_legend_click(page: Any) -> None:
    """A real mouse over a bar of the loss breakdown shows its hover label; a click on a layer
    in the tile view's legend hides that layer."""
    bar = page.locator("div.plot .bars .point path").first
    bar.scroll_into_view_if_needed()
    box = bar.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_selector(".hoverlayer .hovertext", timeout=5_000)
    label = page.locator(".hoverlayer .hovertext").first.text_content()
    assert "dB" in label

    tile_plot = page.locator("div.plot.tall[data-fig]").first
    tile_plot.scroll_into_view_if_needed()
    item = tile_plot.locator(".legend .traces").first
    name = item.locator(".legendtext").text_content()
    item.locator(".legendtoggle").click()
    page.wait_for_timeout(800)  # plotly waits out its double-click delay
    visible = page.evaluate(
        """([name]) => {const d = document.querySelector('div.plot.tall[data-fig]');
        return d._fullData.find(t => t.name === name).visible}""", [name])
    assert visible == "legendonly", name


def test_layout_zooms_from_the_chip_to_the_tile_polygons(page: Any) -> None:
    """A mouse drag zooms the chip view; zoomed into one tile the page places the tile's
    polygons there (level of detail from the hierarchy)."""
    view = page.locator("#chip-view")
    view.scroll_into_view_if_needed()
    before = page.evaluate("document.getElementById('chip-view')._fullLayout.xaxis.range")
    box = page.locator("#chip-view .nsewdrag").first.bounding_box()
    x, y = box["x"] + box["width"] * 0.35, box["y"] + box["height"] * 0.35
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + box["width"] * 0.2, y + box["height"] * 0.2, steps=8)
    page.mouse.up()
    page.wait_for_timeout(500)
    after = page.evaluate("document.getElementById('chip-view')._fullLayout.xaxis.range")
    assert (after[1] - after[0]) < 0.5 * (before[1] - before[0])

    spec = default_chip()
    geo = json.loads(page.evaluate("document.getElementById('layout-data').textContent"))
    # the default chip's tiles sit in its network tree: one placement per tile (an array
    # chip gives one entry with pitches); take the last tile, away from the origin
    arr = geo["chip"]["arrays"][-1]
    t = geo["tile"]["bbox"]
    x0, y0 = arr["origin"][0] + arr["a"][0] + t[0], arr["origin"][1] + arr["b"][1] + t[1]
    page.evaluate(
        """([xr, yr]) => Plotly.relayout('chip-view', {'xaxis.range': xr, 'yaxis.range': yr})""",
        [[x0 + 50, x0 + 400], [y0 + 50, y0 + 400]],
    )
    page.wait_for_timeout(500)
    state = page.evaluate("""(() => {const d = document.getElementById('chip-view');
        const wg = d._fullData.find(t => t.name === 'WG2');
        return {tiles: d.getAttribute('data-visible-tiles'), detail: d.getAttribute('data-detail'),
                points: wg.x.filter(v => v !== null).length,
                xmin: Math.min(...wg.x.filter(v => v !== null))}})()""")
    assert state["tiles"] == "1" and state["detail"] == "polygons"
    layer = next(layer for layer in geo["tile"]["layers"] if layer["name"] == "WG2")
    assert state["points"] == sum(v is not None for v in layer["x"])
    # the copy is that tile's: its polygons moved by origin + a (+ b)
    shift = arr["origin"][0] + arr["a"][0]
    assert math.isclose(state["xmin"], min(v for v in layer["x"] if v is not None) + shift,
                        abs_tol=1e-6)
    rows, cols = spec.tiles
    assert sum(a["na"] * a["nb"] for a in geo["chip"]["arrays"]) == rows * cols


def _resolve(report: dict[str, Any], path: str, agg: str | None) -> Any:
    values: list[Any] = [report]
    for part in path.split("."):
        nxt: list[Any] = []
        for v in values:
            if part == "*":
                nxt += list(v.values()) if isinstance(v, dict) else list(v)
            else:
                nxt.append(v[part])
        values = nxt
    if agg is None:
        assert len(values) == 1, path
        return values[0]
    return {"min": min, "max": max}[agg](values)


def test_summary_shows_the_numbers_of_report_json(page: Any, built: Path) -> None:
    report = json.loads((built / "report.json").read_text())
    shown = page.evaluate("""Array.from(document.querySelectorAll(
        '#summary [data-json], #summary [data-derived]')).map(e => ({
        path: e.getAttribute('data-json'), derived: e.getAttribute('data-derived'),
        agg: e.getAttribute('data-agg'), bool: e.getAttribute('data-bool'),
        text: e.textContent.trim()}))""")
    assert len(shown) >= 15
    t = report["thermal"]
    derived = {
        "ok": report["drc"]["clean"] and report["qubitron_detection"]["reachable"]
        == report["qubitron_detection"]["expected"],
        "all_reached": report["qubitron_detection"]["reachable"]
        == report["qubitron_detection"]["expected"],
        "thermal.tunable": t["within_budget"] and t["untunable_rings"] == 0
        and t["rings_without_heater"] == 0,
    }
    for item in shown:
        if item["derived"]:
            assert item["bool"] == str(derived[item["derived"]]).lower(), item
            continue
        value = _resolve(report, item["path"], item["agg"])
        if item["bool"] is not None:
            assert item["bool"] == str(value).lower(), item
            assert item["text"] == ("PASS" if value else "FAIL"), item
        else:
            assert math.isclose(float(item["text"]), value, rel_tol=6e-3, abs_tol=1e-12), item


def test_screenshot_of_the_top_is_a_real_page(page: Any, built: Path) -> None:
    """A fresh tab (the other tests zoom the shared one), 1280 x 900, top of the page."""
    fresh = page.context.browser.new_page()
    fresh.set_viewport_size({"width": 1280, "height": 900})
    fresh.goto((built / "report.html").as_uri())
    fresh.wait_for_function("document.getElementById('chip-view').getAttribute('data-detail')")
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "report_top.png"
    fresh.screenshot(path=str(shot))
    pixels = np.asarray(Image.open(shot).convert("L"), float)
    assert pixels.shape == (900, 1280)
    # a blank or broken page is one flat colour; the report has text, cards and a table
    assert pixels.std() > 20 and (pixels < 100).mean() > 0.01
    summary = fresh.locator("#checks").bounding_box()
    assert summary is not None and summary["y"] + summary["height"] < 900, "summary in view"
    fresh.close()
    print(f"screenshot: {shot}")


def test_a_number_links_to_its_place_on_the_mask(page: Any) -> None:
    """The detection table's link for a qubitron zooms the chip view onto that qubitron."""
    link = page.locator("a.locate").first
    x0, y0, x1, y1 = (float(v) for v in link.get_attribute("data-zoom").split(","))
    link.scroll_into_view_if_needed()
    link.click()
    page.wait_for_timeout(500)
    xr = page.evaluate("document.getElementById('chip-view')._fullLayout.xaxis.range")
    assert xr[0] <= (x0 + x1) / 2 <= xr[1]
    assert xr[1] - xr[0] < 1000.0  # a qubitron's neighbourhood, not the die
    detail = page.evaluate("document.getElementById('chip-view').getAttribute('data-detail')")
    assert detail == "polygons"


def test_tables_sort_by_a_heading_and_filter_by_text(page: Any) -> None:
    table = page.locator("table.sortable", has=page.locator("th", has_text="channel (nm)"))
    heading = table.locator("th", has_text="efficiency")
    column = """(t) => Array.from(t.tBodies[0].rows).map(r => parseFloat(
        r.cells[1].getAttribute('data-value')))"""
    heading.click()
    up = table.evaluate(column)
    heading.click()
    down = table.evaluate(column)
    assert up == sorted(up) and down == sorted(up, reverse=True) and len(up) >= 2

    paths = page.locator("table.sortable", has=page.locator("th", has_text="breakdown at centre"))
    box = page.locator(f"input.filter[data-table='{paths.get_attribute('id')}']")
    box.fill("stokes_in")  # the tile's Stokes feed (its fibre's, or the network's port)
    shown = paths.evaluate("""(t) => Array.from(t.tBodies[0].rows)
        .filter(r => r.style.display !== 'none').map(r => r.textContent)""")
    assert shown and all("stokes_in" in row for row in shown)
    assert len(shown) < paths.evaluate("(t) => t.tBodies[0].rows.length")
    box.fill("")
