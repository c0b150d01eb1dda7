"""Bar charts as inline SVG, drawn on the server: no chart library, no script, readable by a
screen reader (each chart has a title and each bar a ``<title>`` with its figure)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    #: the figure shown on hover and read by screen readers
    caption: str


def bar_chart(title: str, bars: Sequence[Bar], *, width: int = 640, height: int = 200) -> str:
    """An SVG bar chart of ``bars`` (values 0 or more), scaled to the largest."""
    chart_id = "chart-" + "".join(c for c in title.lower() if c.isalnum())[:30]
    top = max((bar.value for bar in bars), default=0.0) or 1.0
    n = max(len(bars), 1)
    gap = 4
    plot_height = height - 30
    slot = width / n
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{chart_id}" preserveAspectRatio="none">',
        f'<title id="{chart_id}">{escape(title)}</title>',
    ]
    label_every = 1 if n <= 12 else 3
    for i, bar in enumerate(bars):
        bar_height = max(bar.value / top * plot_height, 0.0)
        x = i * slot + gap / 2
        y = plot_height - bar_height
        parts.append(
            f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{slot - gap:.1f}" '
            f'height="{bar_height:.1f}"><title>{escape(bar.caption)}</title></rect>'
        )
        if i % label_every == 0:
            parts.append(
                f'<text class="axis" x="{x + (slot - gap) / 2:.1f}" y="{height - 10}" '
                f'text-anchor="middle">{escape(bar.label)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)
