"""Geometry of the overview's charts, drawn server-side as inline SVG by the templates.

No JavaScript chart library: the numbers are laid out here and the template only draws
rectangles, circles and text. Colours come from CSS classes (dashboard.css), since the content
security policy forbids inline styles.
"""

import datetime

# Cambodia's bounding box (longitude, latitude) and a simplified outline of its border.
CAMBODIA_BBOX = (102.3, 10.3, 107.7, 14.75)
CAMBODIA_OUTLINE = [
    (102.55, 13.65), (103.0, 14.35), (103.7, 14.42), (104.5, 14.38), (105.2, 14.35), (105.9, 14.1),
    (106.5, 14.6), (107.0, 14.4), (107.55, 14.69), (107.6, 13.9), (107.45, 13.0), (107.6, 12.3),
    (106.8, 11.9), (106.4, 11.7), (106.0, 11.1), (105.85, 11.0), (105.1, 10.95), (104.45, 10.42),
    (104.0, 10.55), (103.5, 10.63), (103.1, 11.2), (102.9, 11.65), (102.75, 12.1), (102.5, 12.6),
    (102.35, 13.0),
]


def _periods(period: str, start: datetime.date, today: datetime.date) -> list[datetime.date]:
    periods, current = [], start
    while current <= today:
        periods.append(current)
        if period == "month":
            current = (current.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
        else:
            current += datetime.timedelta(days=7)
    return periods


def _as_date(value) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


def stacked_period_chart(rows, kind_labels: dict, *, period: str, start, today, width=720, height=260) -> dict:
    """Flags per period stacked by kind. ``rows``: dicts with period, kind, n."""
    periods = _periods(period, start, today)
    counts: dict = {}
    for row in rows:
        counts.setdefault(_as_date(row["period"]), {})[row["kind"]] = row["n"]
    kinds = [kind for kind in kind_labels if any(kind in per for per in counts.values())]
    peak = max([sum(per.values()) for per in counts.values()] + [1])
    left, bottom, top = 40, 30, 10
    plot_height = height - bottom - top
    slot = (width - left) / max(len(periods), 1)
    bars = []
    for index, day in enumerate(periods):
        per = counts.get(day, {})
        y = top + plot_height
        segments = []
        for kind in kinds:
            n = per.get(kind, 0)
            if not n:
                continue
            h = plot_height * n / peak
            y -= h
            segments.append({"kind": kind, "label": kind_labels[kind], "n": n, "y": round(y, 1), "h": round(h, 1)})
        label = day.strftime("%b %Y") if period == "month" else day.strftime("%d %b")
        bars.append({"x": round(left + index * slot + slot * 0.15, 1), "w": round(slot * 0.7, 1),
                     "label": label, "label_x": round(left + index * slot + slot / 2, 1),
                     "total": sum(per.values()), "segments": segments})
    # gridlines at whole numbers only: 0, the peak, and the half when it is whole
    values = [0, peak] + ([peak // 2] if peak % 2 == 0 and peak >= 4 else [])
    ticks = [{"value": v, "y": round(top + plot_height * (1 - v / peak), 1)} for v in sorted(values)]
    return {"width": width, "height": height, "bars": bars, "ticks": ticks, "axis_y": top + plot_height,
            "left": left, "legend": [{"kind": k, "label": kind_labels[k]} for k in kinds]}


def bar_chart(pairs, *, width=460, row_height=24, label_width=150) -> dict:
    """Horizontal bars, one per (label, count)."""
    peak = max([n for _label, n in pairs] + [1])
    bars = [{"label": label, "n": n, "y": i * row_height, "text_y": i * row_height + row_height * 0.7,
             "w": round((width - label_width - 50) * n / peak, 1)} for i, (label, n) in enumerate(pairs)]
    return {"width": width, "height": max(len(pairs), 1) * row_height, "bars": bars,
            "label_width": label_width, "row_height": row_height - 6}


def map_points(points, *, width=540, height=440) -> dict:
    """Premises as points within Cambodia's bounding box (an outline, no tiles needed)."""
    west, south, east, north = CAMBODIA_BBOX

    def xy(lon, lat):
        return round((lon - west) / (east - west) * width, 1), round((north - lat) / (north - south) * height, 1)

    placed = []
    for point in points:
        if not (west <= point["lon"] <= east and south <= point["lat"] <= north):
            continue
        x, y = xy(point["lon"], point["lat"])
        level = "none" if point["open"] == 0 else ("some" if point["open"] < 3 else "many")
        placed.append({**point, "x": x, "y": y, "level": level})
    outline = " ".join(f"{x},{y}" for x, y in (xy(lon, lat) for lon, lat in CAMBODIA_OUTLINE))
    return {"width": width, "height": height, "points": placed, "outline": outline}
