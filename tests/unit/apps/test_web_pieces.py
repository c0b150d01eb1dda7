"""Small parts of the web client: charts, ``next`` targets, the listening address, the "why"."""

from __future__ import annotations

import re

import pytest
from markupsafe import Markup

from apps.cli.serve import listening_url
from apps.web.charts import Bar, bar_chart
from apps.web.controllers.today import why
from apps.web.rendering import environment
from apps.web.session import login_url, safe_next


def test_a_bar_chart_scales_to_its_largest_bar_and_escapes_its_labels() -> None:
    svg = bar_chart("By <day>", [Bar("Mon", 2, "Monday: 2"), Bar("Tue", 4, "<b>4</b>")])
    assert svg.startswith("<svg")
    assert 'role="img"' in svg
    assert "<title" in svg
    assert "By &lt;day&gt;" in svg
    assert "&lt;b&gt;4&lt;/b&gt;" in svg
    assert "<b>" not in svg
    heights = [float(h) for h in re.findall(r'height="([0-9.]+)"><title', svg)]
    assert heights == [85.0, 170.0]


def test_an_empty_chart_draws_no_bar() -> None:
    assert "<rect" not in bar_chart("Nothing yet", [])


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "/"),
        ("/insights?days=7", "/insights?days=7"),
        ("https://elsewhere.example/", "/"),
        ("//elsewhere.example", "/"),
        ("/\\elsewhere.example", "/"),
        ("insights", "/"),
    ],
)
def test_next_stays_on_this_site(value: str | None, expected: str) -> None:
    assert safe_next(value) == expected


def test_the_login_link_comes_back_to_the_page_asked_for() -> None:
    assert login_url("/") == "/login"
    assert login_url("/insights?days=7") == "/login?next=%2Finsights%3Fdays%3D7"


@pytest.mark.parametrize(
    ("host", "port", "url"),
    [
        ("127.0.0.1", 8123, "http://127.0.0.1:8123"),
        ("0.0.0.0", 80, "http://127.0.0.1:80"),
        ("::1", 9000, "http://[::1]:9000"),
        ("questlog.local", 8000, "http://questlog.local:8000"),
    ],
)
def test_links_point_where_the_server_listens(host: str, port: int, url: str) -> None:
    assert listening_url(host, port) == url


def test_why_lists_the_factors_that_placed_a_quest_biggest_first() -> None:
    assert why({"due": 7.23, "on hold": -100.0, "age": 0.001, "unblocks": 0.01}) == [
        ("on hold", "-100.0"),
        ("due", "+7.2"),
        ("unblocks", "+0.01"),
    ]


def test_the_insights_page_shows_the_estimate_accuracy_it_is_given() -> None:
    accuracy = {"measured": 4, "median_ratio": 1.1, "within_25_percent": 0.75}
    html = (
        environment()
        .get_template("insights.html")
        .render(
            csrf_token="t",
            path="/insights",
            days=30,
            charts={"accuracy": Markup(bar_chart("Estimates within 25%", [Bar("within", 3, "3")]))},
            insights={
                "completed": 4,
                "window_days": 30,
                "timezone": "UTC",
                "summary": ["4 quests completed."],
                "estimate_accuracy": accuracy,
            },
        )
    )
    assert "Median actual/estimate: <strong>1.10</strong>" in html
    assert "within 25% of the estimate: <strong>75%</strong>" in html
    assert 'aria-labelledby="chart-estimateswithin25"' in html
