"""Charts drawn on reused figures look exactly like charts drawn on fresh ones."""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor

import pytest
from PIL import Image

from services import charts
from services.charts import BarChart, ForecastChart, render

PNG = b"\x89PNG\r\n\x1a\n"
DAYS = [f"{d:02d}/11" for d in range(1, 31)]
CHARTS = {
    "count": BarChart("Số phản ánh theo ngày", DAYS, [float(d % 7) for d in range(30)],
                      "Số phản ánh"),
    "overlay": BarChart("Theo tuần", DAYS[:12], [float(d) for d in range(12)],
                        overlay=[2.0] * 12, overlay_label="Kỳ trước", values_label="Kỳ này"),
    "stacked": BarChart("Theo ngày", DAYS[:7], [5.0] * 7, stacked=[2.0] * 7,
                        stacked_label="Tiêu cực", values_label="Số phản ánh"),
    "ranking": BarChart("Theo phường", ["Hiệp Bình", "Linh Xuân", "Thủ Đức"], [12, 7, 3],
                        horizontal=True, highlight=1),
    "share": BarChart("Tỷ lệ", ["Web", "Zalo"], [0.25, 0.75], horizontal=True, percent=True),
    "percent": BarChart("Tỷ lệ tiêu cực", DAYS[:5], [0.1, 0.5, 0.3, 0.2, 0.4], percent=True),
    "forecast": ForecastChart("Dự báo", DAYS[:14], [float(d % 5) for d in range(14)],
                              ["01/12", "02/12"], [3.0, 4.0], [1.0, 2.0], [5.0, 6.0],
                              "Thực tế", "Dự báo", ["MAE 1,2"]),
    "empty": BarChart("Không có số liệu", [], []),
}  # fmt: skip


def fresh(chart: BarChart | ForecastChart) -> bytes:
    charts._SURFACES.clear()
    return render(chart)


@pytest.mark.parametrize("name", CHARTS)
def test_every_kind_draws_an_800_by_400_png(name: str):
    png = fresh(CHARTS[name])
    assert png.startswith(PNG)
    assert Image.open(io.BytesIO(png)).size == (800, 400)


def test_a_chart_after_others_is_the_same_as_on_a_fresh_figure():
    expected = {name: fresh(chart) for name, chart in CHARTS.items()}
    charts._SURFACES.clear()
    for _ in range(2):  # every kind after every other kind, twice
        for name, chart in CHARTS.items():
            assert render(chart) == expected[name], name


def test_highlight_and_stacked_parts_are_red():
    image = Image.open(io.BytesIO(fresh(CHARTS["ranking"]))).convert("RGB")
    colors = {color for _, color in image.getcolors(800 * 400) or []}
    assert (0xC5, 0x30, 0x30) in colors and (0x2B, 0x6C, 0xB0) in colors
    plain = Image.open(io.BytesIO(fresh(CHARTS["count"]))).convert("RGB")
    assert (0xC5, 0x30, 0x30) not in {c for _, c in plain.getcolors(800 * 400) or []}


def test_threads_drawing_at_once_get_their_own_charts():
    expected = {name: fresh(chart) for name, chart in CHARTS.items()}
    names = list(CHARTS) * 3
    with ThreadPoolExecutor(4) as pool:
        drawn = list(pool.map(lambda n: render(CHARTS[n]), names))
    assert drawn == [expected[n] for n in names]
