"""Charts drawn on the server as SVG, so the printed summary needs no JavaScript."""

from html import escape

WIDTH = 520
ROW = 16
LABEL = 150


def bars(rows: list[tuple[str, float]], *, unit: str = "", maximum: float | None = None) -> str:
    """A horizontal bar chart: one labelled bar per row, the value written at its end."""
    top = maximum if maximum is not None else max((v for _l, v in rows), default=0) or 1
    height = ROW * max(len(rows), 1) + 4
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" font-family="sans-serif" font-size="10">'
    ]
    span = WIDTH - LABEL - 60
    for i, (label, value) in enumerate(rows):
        y = i * ROW + 2
        width = 0 if top == 0 else max(0.0, value) / top * span
        shown = f"{value:.0%}" if unit == "%" else f"{value:g}{unit}"
        parts.append(
            f'<text x="{LABEL - 4}" y="{y + 11}" text-anchor="end">{escape(label)}</text>'
            f'<rect x="{LABEL}" y="{y + 2}" width="{width:.1f}" height="{ROW - 5}" fill="#2f6f4f"/>'
            f'<text x="{LABEL + width + 4:.1f}" y="{y + 11}">{escape(shown)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
