"""Readability checks on drawn Plotly charts: overlapping or clipped text, plot-area height.

Plain functions over a Playwright page, shared by the browser tests and scripts/screenshots.py.
"""

from playwright.sync_api import Page

# Every visible <text> of a chart's SVG (ticks, legend, annotations, colour bars): plotly.js
# draws each label as one <text>, so comparing their boxes finds labels drawn over each other.
MEASURE = """
(chart) => {
  const box = chart.getBoundingClientRect();
  const texts = [];
  for (const node of chart.querySelectorAll('svg text')) {
    if (!node.textContent.trim()) continue;
    if (node.closest('.hoverlayer')) continue;
    const style = getComputedStyle(node);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    if (Number(style.opacity) === 0 || Number(style.fillOpacity) === 0) continue;
    const r = node.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    texts.push({text: node.textContent.trim(), left: r.left, right: r.right, top: r.top,
                bottom: r.bottom});
  }
  const drags = [...chart.querySelectorAll('.nsewdrag')];
  const plots = drags.map((d) => d.getBoundingClientRect().height);
  return {
    box: {left: box.left, right: box.right, top: box.top, bottom: box.bottom},
    texts,
    plotHeight: plots.length ? Math.max(...plots) : 0,
  };
}
"""
# Glyph boxes include a little leading: a 1 px touch is not an overlap a reader sees.
SLACK = 1.0


def measure(page: Page, name: str) -> dict:
    """Return the chart's box, its visible text boxes and its tallest plot area (px)."""
    return page.locator(f'[data-chart="{name}"]').evaluate(MEASURE)


def overlaps(texts: list[dict]) -> list[tuple[str, str]]:
    """Return the pairs of text labels whose boxes intersect by more than the slack."""
    pairs = []
    for i, a in enumerate(texts):
        for b in texts[i + 1 :]:
            wide = min(a["right"], b["right"]) - max(a["left"], b["left"])
            high = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
            if wide > SLACK and high > SLACK:
                pairs.append((a["text"], b["text"]))
    return pairs


def clipped(result: dict) -> list[str]:
    """Return the labels that reach outside the chart's own box."""
    box = result["box"]
    return [
        t["text"]
        for t in result["texts"]
        if t["left"] < box["left"] - SLACK
        or t["right"] > box["right"] + SLACK
        or t["top"] < box["top"] - SLACK
        or t["bottom"] > box["bottom"] + SLACK
    ]
