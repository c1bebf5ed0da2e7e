"""The dashboard's SVG charts: one bar per (group, series) with its count in its title, groups in
reading order (right to left in Arabic, the scale on the reading side), no inline style."""

from __future__ import annotations

import re

from shahada.console.charts import bars

LABELS = {"issued": "Délivrés", "revoked": "Révoqués"}


def test_one_bar_per_group_and_series_titled_with_its_count() -> None:
    svg = bars(["CS", "RSK"], {"issued": [4, 2], "revoked": [0, 1]}, labels=LABELS, title="Documents")
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"') and svg.endswith("</svg>")
    assert re.findall(r"<title>([^<]+)</title></rect>", svg) == ["CS · Délivrés: 4", "CS · Révoqués: 0", "RSK · Délivrés: 2", "RSK · Révoqués: 1"]
    heights = [float(h) for h in re.findall(r'<rect [^>]*height="([0-9.]+)"', svg)]
    assert heights[0] == max(heights) and heights[1] == 0 and heights[0] == 2 * heights[2]
    assert "style=" not in svg


def test_right_to_left_puts_the_first_group_on_the_right() -> None:
    ltr = bars(["CS", "RSK"], {"issued": [1, 1]}, labels=LABELS, title="t")
    rtl = bars(["CS", "RSK"], {"issued": [1, 1]}, labels=LABELS, title="t", rtl=True)

    def x_of(svg: str, label: str) -> float:
        found = re.search(rf'<text x="([0-9.]+)"[^>]*>{label}</text>', svg)
        assert found
        return float(found.group(1))

    assert x_of(ltr, "CS") < x_of(ltr, "RSK")
    assert x_of(rtl, "CS") > x_of(rtl, "RSK")


def test_labels_are_escaped() -> None:
    svg = bars(["<b>"], {"issued": [1]}, labels={"issued": "a&b"}, title="<x>")
    assert "<b>" not in svg and "&lt;b&gt;" in svg and "a&amp;b" in svg


def test_the_scale_is_in_whole_steps() -> None:
    svg = bars(["CS"], {"issued": [2]}, labels=LABELS, title="t")
    assert re.findall(r'font-size="11" fill="#5c6670">(\d+)</text>', svg) == ["4", "3", "2", "1", "0"]
    svg = bars(["CS"], {"issued": [21]}, labels=LABELS, title="t")
    assert re.findall(r'font-size="11" fill="#5c6670">(\d+)</text>', svg) == ["24", "18", "12", "6", "0"]
