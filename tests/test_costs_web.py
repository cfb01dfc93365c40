"""The cost endpoints, the calculator page and the cost-data importer on the real database."""

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from timeline.costmodel.prices import GpuPrice, PriceBook
from timeline.dates import PartialDate
from timeline.domain import Gpu, Scenario


def cost(client, **params):
    return client.get("/api/cost", query_string=params)


def test_the_calculator_reproduces_the_calibration_run(seeded, client):
    body = cost(client, model="wan2.1-14b", gpu="h800-sxm", width=1280, height=720, frames=81).json
    assert body["tokens"] == 75_600
    assert body["wall_seconds"] == pytest.approx(1837.9, rel=1e-3)
    assert body["gpu_hours"] == pytest.approx(1837.9 / 3600, rel=1e-3)
    assert body["cost_usd"] == pytest.approx(body["gpu_hours"] * body["price_per_gpu_hour"], 1e-3)
    assert body["usd_per_video_minute"] == pytest.approx(body["cost_usd"] * 60 / 5, rel=1e-3)
    assert "priced as h100-sxm" in body["assumptions"]["price_basis"]


def test_explicit_architecture_and_given_price_and_share(seeded, client):
    body = cost(
        client, params=14e9, layers=40, hidden=5120, vae_t=4, vae_s=8, patch_t=1, patch_s=2,
        gpu="h100-sxm", gpus=2, width=1280, height=720, seconds=5, fps=16, steps=50,
        guidance_passes=2, mfu=0.5, price_per_gpu_hour=2,
    ).json  # fmt: skip
    assert body["inputs"]["frames"] == 81
    assert body["assumptions"]["efficiency_basis"] == "given MFU"
    assert body["price_per_gpu_hour"] == 2
    assert body["cost_usd"] == pytest.approx(body["gpu_hours"] * 2, rel=1e-4)


def test_a_price_date_moves_the_fitted_price(seeded, client):
    args = dict(model="wan2.1-14b", gpu="h100-sxm", width=1280, height=720, seconds=5)
    early = cost(client, date="2023-09", **args).json["price_per_gpu_hour"]
    late = cost(client, date="2026-05", **args).json["price_per_gpu_hour"]
    assert early > 2 * late


def test_a_gpu_without_prices_still_gets_its_time(seeded, client):
    body = cost(client, model="hunyuanvideo", gpu="h20", width=1280, height=720, frames=129).json
    assert body["wall_seconds"] > 0 and body["cost_usd"] is None
    assert "price_per_gpu_hour" in body["assumptions"]["price_basis"]


def test_every_bad_parameter_is_named_at_once(seeded, client):
    response = cost(client, model="wan2.1-14b", gpu="h100-sxm", gpus=0, width=1000, height=720,
                    seconds=-2)  # fmt: skip
    assert response.status_code == 400
    fields = response.json["error"]["fields"]
    assert set(fields) == {"gpus", "width", "seconds"}
    assert "multiple of 16" in fields["width"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"gpu": "tpu-v9"}, "gpu"),
        ({"model": "sora-3"}, "model"),
        ({"mfu": "1.5"}, "mfu"),
        ({"steps": "ten"}, "steps"),
        ({"date": "2024-13"}, "date"),
        ({"gpu": "a100-sxm", "precision": "fp8"}, "precision"),
        ({"width": "1e400"}, "width"),
        ({"precision": "fp4"}, "precision"),
    ],
)
def test_impossible_inputs_get_a_400_naming_them(seeded, client, params, field):
    base = dict(model="wan2.1-14b", gpu="h100-sxm", width=1280, height=720, seconds=5)
    response = cost(client, **(base | params))
    assert response.status_code == 400, response.json
    assert field in response.json["error"]["fields"]


def test_missing_inputs_are_named(seeded, client):
    fields = cost(client).json["error"]["fields"]
    assert {"gpu", "width", "height", "frames", "params", "layers"} <= set(fields)


def test_scenarios_restated_in_common_units(seeded, client):
    body = client.get("/api/scenarios").json
    by_id = {s["id"]: s for s in body["scenarios"]}
    assert list(by_id) == [
        "seed-price-ratio", "seed-8xa800", "seed-8xh800", "factorial-funds", "forbes-sora2-cost",
    ]  # fmt: skip
    assert by_id["seed-price-ratio"]["usd_per_video_minute"] == pytest.approx(90)
    assert by_id["seed-8xa800"]["gpu_hours_per_video_minute"] == pytest.approx(24)
    assert by_id["seed-8xh800"]["gpu_hours_per_video_minute"] == pytest.approx(4)
    assert by_id["factorial-funds"]["gpu_hours_per_video_minute"] == pytest.approx(0.2)
    assert by_id["forbes-sora2-cost"]["usd_per_video_minute"] == pytest.approx(7.8)
    # a fifth of an H100-hour per minute is far below what real stacks can reach
    assert by_id["factorial-funds"]["implied"]["required_mfu"] > 1
    assert client.get("/api/scenarios/seed-8xh800").json["scenario"]["gpu"] == "h800-sxm"


def test_the_seed_a800_and_h800_claims_disagree_with_the_specs(seeded, client):
    (check,) = client.get("/api/scenarios").json["consistency"]
    assert (check["slower"], check["faster"]) == ("seed-8xa800", "seed-8xh800")
    assert check["claimed_speedup"] == pytest.approx(6)
    peaks = {s["precisions"]: s["peak"] for s in check["speedups"]}
    assert peaks["a800-sxm BF16, h800-sxm BF16"] == pytest.approx(989 / 312, rel=1e-3)
    assert peaks["a800-sxm BF16, h800-sxm FP8"] == pytest.approx(1979 / 312, rel=1e-3)
    assert check["explained_by"] == []


def test_every_published_run_is_predicted_within_a_factor_of_two(seeded, client):
    body = client.get("/api/runs").json
    assert len(body["runs"]) >= 20
    for run in body["runs"]:
        assert 0.5 <= run["predicted_over_measured"] <= 2, run["slug"]
    calibration = [r for r in body["runs"] if r["purpose"] == "calibration"]
    assert calibration[0]["predicted_over_measured"] == pytest.approx(1, abs=1e-3)


def test_the_projection_band_runs_monthly_to_2030_low_below_high(seeded, client):
    body = client.get("/api/projections").json
    series = body["series"]
    assert series[0]["date"] == "2023-06-01" and series[-1]["date"] == "2030-12-01"
    assert len(series) == 91
    for point in series:
        assert point["low"] <= point["base"] <= point["high"]
    assert series[-1]["base"] < series[0]["base"]
    backtest = body["backtest"]
    assert backtest["as_of"] == "2025-01-01" and backtest["checks"]
    assert backtest["median_error_factor"] >= 1


def test_a_projection_as_of_a_past_day_uses_only_what_was_known(seeded, client):
    then = client.get("/api/projections", query_string={"as_of": "2024-12"}).json
    assert then["price_trend"]["fitted_on"] == 2
    assert client.get("/api/projections", query_string={"as_of": "2024-13"}).status_code == 400


def test_reference_lists(seeded, client):
    gpus = {g["slug"]: g for g in client.get("/api/gpus").json["gpus"]}
    assert gpus["h100-sxm"]["bf16_tflops"] == 989 and len(gpus["h100-sxm"]["prices"]) == 6
    assert gpus["a800-sxm"]["priced_like"] == "a100-sxm"
    prices = client.get("/api/prices").json
    assert len(prices["api_prices"]) == 17 and prices["llm_prices"][0]["model"] == "gpt-4"


def test_the_calculator_page_answers_draws_and_links_its_json(seeded, client):
    html = client.get("/cost").get_data(as_text=True)
    assert '<svg viewBox="0 0 960 340" role="group"' in html
    assert "Cost of one minute of generated video, 2023–2030" in html
    assert 'id="scenario-seed-8xa800"' in html and "75,600 tokens" in html
    assert "/api/cost?" in html


def test_the_calculator_page_shows_errors_at_the_field(seeded, client):
    html = client.get("/cost?model=wan2.1-14b&gpu=h100-sxm&width=1000&height=720&seconds=5")
    text = html.get_data(as_text=True)
    assert html.status_code == 200
    assert 'id="c-width-error"' in text and "try 1008" in text
    assert 'aria-invalid="true"' in text


def test_the_chart_window_narrows(seeded, client):
    html = client.get("/cost?from=2025&to=2026").get_data(as_text=True)
    assert "Cost of one minute of generated video, 2025–2026" in html
    assert "Q3" in html  # quarters on a two-year window
    bad = client.get("/cost?from=2026&to=2025").get_data(as_text=True)
    assert "the window must end after it starts" in bad


def test_cost_import_is_idempotent(seeded, runner):
    again = runner.invoke(args=["seed"])
    assert "cost data nothing to change" in again.output


def test_a_bad_cost_file_names_record_and_field_and_writes_nothing(app, runner, write_file,
                                                                    session):  # fmt: skip
    path = write_file("costs.yaml", (
        "gpus:\n"
        "  - {slug: x1, name: X1, generation: hopper, bf16_tflops: 100}\n"
        "  - {slug: x2, name: X2, generation: volta, bf16_tflops: -1}\n"
        "scenarios:\n"
        "  - {slug: s1, claim: c, observed: '2024-02-30', model: nope, width: 1280,"
        " height: 720, fps: 16, clip_seconds: 5}\n"
    ))  # fmt: skip
    result = runner.invoke(args=["import-costs", str(path)])
    assert result.exit_code != 0
    assert "nothing was written" in result.output
    assert "record 2 ('x2'): field 'generation': unknown value 'volta'" in result.output
    assert "field 'bf16_tflops': must be above zero" in result.output
    assert "[scenarios]: record 1 ('s1'): field 'observed'" in result.output
    assert "field 'model': no video model 'nope' is known" in result.output
    assert session.query(Gpu).count() == 0 and session.query(Scenario).count() == 0


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"seconds": "1e300"}, "seconds"),
        ({"frames": "99999999999999", "seconds": ""}, "frames"),
        ({"width": "1600000000000000000000"}, "width"),
        ({"model": "", "params": "1e308", "layers": 1, "hidden": 1, "vae_t": 1, "vae_s": 1,
          "patch_t": 1, "patch_s": 1, "fps": 1, "steps": 1, "guidance_passes": 1}, "params"),
        ({"mfu": "1e-300"}, "mfu"),
        ({"fps": "1e-300"}, "fps"),
    ],
)  # fmt: skip
def test_absurd_sizes_get_a_400_not_an_overflow(seeded, client, params, field):
    base = dict(model="wan2.1-14b", gpu="h100-sxm", width=1280, height=720, seconds=5)
    response = cost(client, **(base | params))
    assert response.status_code == 400, response.get_data(as_text=True)
    assert field in response.json["error"]["fields"]
    page = client.get("/cost", query_string=base | params)
    assert page.status_code == 200 and 'aria-invalid="true"' in page.get_data(as_text=True)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(day=st.dates(), cut=st.sampled_from([4, 7, 10]))
def test_any_as_of_date_projects_or_says_why_not(seeded, client, day, cut):
    response = client.get("/api/projections", query_string={"as_of": day.isoformat()[:cut]})
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert "choose a later date" in response.get_json()["error"]["fields"]["as_of"]


def test_a_price_book_with_one_date_holds_the_price_flat():
    only = GpuPrice("h100-sxm", PartialDate.parse("2024-06"), typical=2.5)
    book = PriceBook([only])
    assert book.trend("h100-sxm").slope == 0.0
    assert book.quote("h100-sxm", dt.date(2026, 1, 1)).usd_per_gpu_hour == 2.5


def test_the_timelines_cost_chart_follows_a_change_of_the_cost_data(seeded, client, session):
    """Each process keeps the projection it drew by the cost data's version: a change of a
    price shows on the next page, not after a restart."""
    from sqlalchemy import select

    from timeline.domain import ApiPrice

    assert client.get("/").status_code == 200  # draws, and keeps, the projection
    price = session.scalars(select(ApiPrice).order_by(ApiPrice.id)).first()
    assert price.product not in ("Renamed product",)
    price.product = "Renamed product"
    session.commit()
    assert f"{price.provider} Renamed product" in client.get("/").get_data(as_text=True)
