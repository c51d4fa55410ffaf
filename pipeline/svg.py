"""The review report's two charts as inline SVG, drawn directly: a scatter of points in
named series (prices by publication year) and a dot plot of values per labelled row
(response rates per metric, the median marked). Plain SVG text, so the report needs no
plotting library (matplotlib's import alone held some 70 MB and a second of start-up)."""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Sequence

# a colour per series, in order (ten that tell apart on white)
PALETTE = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
)
WIDTH = 700
FONT = "font-family:sans-serif"


def _ticks(low: float, high: float, count: int = 5, integer: bool = False) -> list[float]:
    """Round tick values covering [low, high]: steps of 1, 2 or 5 times a power of ten.

    >>> _ticks(0, 100)
    [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
    >>> _ticks(2019, 2024, integer=True)
    [2019.0, 2020.0, 2021.0, 2022.0, 2023.0, 2024.0]
    """
    if high <= low:
        high = low + 1
    raw = (high - low) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    if integer:
        step = max(1.0, round(step))
    first = math.floor(low / step) * step
    return [float(first + i * step) for i in range(int(math.ceil((high - first) / step)) + 1)]


def _text(
    x: float, y: float, value: str, size: int = 11, anchor: str = "middle", extra: str = ""
) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
        f'style="{FONT}"{extra}>{html.escape(value)}</text>'
    )


def _frame(height: int, title: str, left: int, bottom: int) -> tuple[list[str], float, float]:
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img"><title>{html.escape(title)}</title>',
        _text(WIDTH / 2, 18, title, 12),
    ]
    return parts, WIDTH - left - 20, height - bottom - 34


def scatter(
    series: dict[str, list[tuple[float, float]]],
    title: str,
    x_label: str,
    y_label: str,
    y_format: Callable[[float], str] = lambda v: f"{v:g}",
    empty: str = "nothing to show",
) -> str:
    """Points per named series (a colour each, a legend on the right), integer x ticks."""
    left, bottom, legend = 90, 45, 170 if series else 0
    height = 320
    parts, plot_w, plot_h = _frame(height, title, left + legend, bottom)
    top = 34
    points = [p for ps in series.values() for p in ps]
    if not points:
        parts.append(_text(left + plot_w / 2, top + plot_h / 2, empty, 12))
        xs, ys = [0.0, 1.0], [0.0, 1.0]
    else:
        xs = _ticks(min(p[0] for p in points) - 0.5, max(p[0] for p in points) + 0.5, integer=True)
        ys = _ticks(0, max(p[1] for p in points) * 1.05)
    x0, x1, y1 = xs[0], xs[-1], ys[-1]

    def px(x: float) -> float:
        return left + (x - x0) / ((x1 - x0) or 1) * plot_w

    def py(y: float) -> float:
        return top + plot_h - y / (y1 or 1) * plot_h

    parts.append(_axes(left, top, plot_w, plot_h))
    for x in xs if points else ():
        parts.append(_text(px(x), top + plot_h + 16, f"{x:.0f}"))
    for y in ys if points else ():
        parts.append(_text(left - 6, py(y) + 4, y_format(y), 10, "end"))
    parts.append(_text(left + plot_w / 2, height - 8, x_label))
    parts.append(
        _text(
            14,
            top + plot_h / 2,
            y_label,
            11,
            "middle",
            f' transform="rotate(-90 14 {top + plot_h / 2:.1f})"',
        )
    )
    for n, (name, pts) in enumerate(series.items()):
        colour = PALETTE[n % len(PALETTE)]
        parts.extend(
            f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="4" fill="{colour}" fill-opacity="0.8"/>'
            for x, y in pts
        )
        ly = top + 10 + 16 * n
        parts.append(f'<circle cx="{left + plot_w + 16}" cy="{ly}" r="4" fill="{colour}"/>')
        parts.append(_text(left + plot_w + 26, ly + 4, name, 10, "start"))
    parts.append("</svg>")
    return "".join(parts)


def dots(
    rows: Sequence[tuple[str, Sequence[float], Sequence[float], float | None]],
    title: str,
    x_label: str,
    x_max: float = 100.0,
    empty: str = "nothing to show",
) -> str:
    """A row per label: each value a dot (at its jitter, -0.5..0.5 of the row), its
    median (given: the values may be the distinct ones of many) a black bar."""
    left, bottom, row_h = 260, 45, 30
    height = 34 + bottom + row_h * max(1, len(rows))
    parts, plot_w, plot_h = _frame(height, title, left, bottom)
    top = 34

    def px(x: float) -> float:
        return left + x / (x_max or 1) * plot_w

    parts.append(_axes(left, top, plot_w, plot_h))
    for x in _ticks(0, x_max):
        if x <= x_max:
            parts.append(_text(px(x), top + plot_h + 16, f"{x:g}"))
    parts.append(_text(left + plot_w / 2, height - 8, x_label))
    if not rows:
        parts.append(_text(left + plot_w / 2, top + plot_h / 2, empty, 12))
    for n, (label, values, jitter, mid) in enumerate(rows):
        middle = top + row_h * (n + 0.5)
        colour = PALETTE[n % len(PALETTE)]
        parts.append(_text(left - 8, middle + 4, label, 10, "end"))
        parts.extend(
            f'<circle cx="{px(v):.1f}" cy="{middle + j * row_h * 0.7:.1f}" r="3" '
            f'fill="{colour}" fill-opacity="0.55"/>'
            for v, j in zip(values, jitter, strict=True)
        )
        if mid is not None:
            parts.append(
                f'<line x1="{px(mid):.1f}" x2="{px(mid):.1f}" y1="{middle - row_h * 0.4:.1f}" '
                f'y2="{middle + row_h * 0.4:.1f}" stroke="black" stroke-width="2"/>'
            )
    parts.append("</svg>")
    return "".join(parts)


def _axes(left: float, top: float, width: float, height: float) -> str:
    return (
        f'<rect x="{left}" y="{top}" width="{width:.1f}" height="{height:.1f}" '
        'fill="none" stroke="#444" stroke-width="1"/>'
    )
