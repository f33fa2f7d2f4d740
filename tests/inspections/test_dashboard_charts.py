"""The overview's chart geometry (pure functions)."""

import datetime

from inspections.charts import CAMBODIA_BBOX, bar_chart, map_points, stacked_period_chart


def test_stacked_chart_stacks_kinds_per_week_with_whole_gridlines():
    start = datetime.date(2026, 11, 2)
    rows = [{"period": start, "kind": "OVERSTAY", "n": 2}, {"period": start, "kind": "NO_WORK_PERMIT", "n": 1},
            {"period": start + datetime.timedelta(days=7), "kind": "OVERSTAY", "n": 1}]
    chart = stacked_period_chart(rows, {"OVERSTAY": "Overstay", "NO_WORK_PERMIT": "No permit", "X": "unused"},
                                 period="week", start=start, today=datetime.date(2026, 11, 20))
    assert [bar["total"] for bar in chart["bars"]] == [3, 1, 0]
    first = chart["bars"][0]["segments"]
    assert [s["n"] for s in first] == [2, 1]
    assert abs(sum(s["h"] for s in first) - (chart["axis_y"] - 10)) < 0.5  # the peak fills the plot
    assert [t["value"] for t in chart["ticks"]] == [0, 3]
    assert [item["kind"] for item in chart["legend"]] == ["OVERSTAY", "NO_WORK_PERMIT"]


def test_monthly_periods_start_on_the_first():
    chart = stacked_period_chart([], {}, period="month", start=datetime.date(2026, 9, 1),
                                 today=datetime.date(2026, 11, 27))
    assert [bar["label"] for bar in chart["bars"]] == ["Sep 2026", "Oct 2026", "Nov 2026"]


def test_bar_chart_scales_to_the_largest():
    chart = bar_chart([("Phnom Penh", 10), ("Siem Reap", 5)])
    assert chart["bars"][0]["w"] == 2 * chart["bars"][1]["w"]


def test_map_places_points_inside_cambodia_and_drops_the_rest():
    west, south, east, north = CAMBODIA_BBOX
    points = [{"lat": north, "lon": west, "open": 0, "name": "a", "url": "/a"},
              {"lat": south, "lon": east, "open": 5, "name": "b", "url": "/b"},
              {"lat": 48.85, "lon": 2.35, "open": 1, "name": "Paris", "url": "/c"}]
    placed = map_points(points)["points"]
    assert [(p["x"], p["y"], p["level"]) for p in placed] == [(0, 0, "none"), (540, 440, "many")]
