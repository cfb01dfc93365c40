"""The compute model against hand-worked examples, and the properties it must keep."""

import datetime as dt
import math
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from timeline.costmodel.compute import (
    Architecture,
    Clip,
    CostInputError,
    Hardware,
    Part,
    Sampling,
    estimate,
    token_count,
)
from timeline.costmodel.hardware import Generation, Gpu, Precision, efficiency_for
from timeline.costmodel.prices import GpuPrice, PriceBook, decimal_year, fit_trend
from timeline.dates import PartialDate

WAN_14B = Architecture(14e9, 40, 5120, vae_t=4, vae_s=8, patch_t=1, patch_s=2)
WAN_1_3B = Architecture(1.3e9, 30, 1536, 4, 8, 1, 2)
HUNYUAN = Architecture(13e9, 60, 3072, 4, 8, 1, 2)
COGVIDEOX15 = Architecture(5e9, 42, 3072, 4, 8, 2, 2)
H100 = Gpu("h100-sxm", "H100", Generation.HOPPER, 989, 1979)
A100 = Gpu("a100-sxm", "A100", Generation.AMPERE, 312, None)
CLIP_720P = Clip(1280, 720, 81, 16)
WAN_SAMPLING = Sampling(50, 2)


def test_tokens_of_the_worked_example():
    # 81 frames -> 1 + 80/4 = 21 latent frames; 720/16 = 45 rows; 1280/16 = 80 columns
    assert token_count(WAN_14B, CLIP_720P) == 21 * 45 * 80 == 75_600


def test_a_temporal_patch_halves_the_latent_depth_rounding_up():
    # CogVideoX1.5 at 1360x768, 81 frames: 21 latent frames in patches of 2 -> 11
    assert token_count(COGVIDEOX15, Clip(1360, 768, 81, 16)) == 11 * 48 * 85


def test_flops_of_the_worked_example():
    run = estimate(WAN_14B, CLIP_720P, WAN_SAMPLING, Hardware(H100))
    assert run.flops_per_pass[Part.LINEAR] == pytest.approx(2 * 14e9 * 75_600)
    assert run.flops_per_pass[Part.ATTENTION] == pytest.approx(4 * 40 * 5120 * 75_600**2)
    assert run.flops == pytest.approx(100 * (2.1168e15 + 4.68203e15), rel=1e-4)
    assert run.attention_share == pytest.approx(0.6887, abs=1e-3)


def test_one_given_share_of_peak_is_flops_over_sustained_throughput():
    used = efficiency_for(H100, mfu=0.5)
    run = estimate(WAN_14B, CLIP_720P, WAN_SAMPLING, Hardware(H100), used)
    assert run.wall_seconds == pytest.approx(run.flops / (989e12 * 0.5))
    assert run.mfu == pytest.approx(0.5)
    assert run.gpu_hours == pytest.approx(run.wall_seconds / 3600)


def test_seconds_and_fps_make_the_frame_count_a_causal_vae_expects():
    assert Clip.of_seconds(1280, 720, 5, 16).frames == 81
    assert Clip.of_seconds(1280, 720, 5, 16).seconds == 5


def test_impossible_inputs_are_each_named():
    with pytest.raises(CostInputError) as caught:
        estimate(WAN_14B, Clip(1000, 721, 1, 16), Sampling(0, 2), Hardware(A100, 0, Precision.FP8))
    assert set(caught.value.fields) == {"width", "height", "frames", "steps", "gpus", "precision"}
    assert "try 1008" in caught.value.fields["width"]


archs = st.sampled_from([WAN_14B, WAN_1_3B, HUNYUAN, COGVIDEOX15])
sides = st.integers(30, 120).map(lambda n: n * 16)
frames = st.integers(12, 40).map(lambda n: n * 4 + 1)


@given(archs, sides, sides, frames, st.sampled_from([H100, A100]), st.integers(1, 7))
def test_more_gpus_finish_a_real_sized_clip_sooner(arch, width, height, count, gpu, gpus):
    """From 480x480 and 49 frames up, splitting a clip over one more GPU always saves time."""
    clip = Clip(width, height, count, 16)
    fewer = estimate(arch, clip, WAN_SAMPLING, Hardware(gpu, gpus))
    more = estimate(arch, clip, WAN_SAMPLING, Hardware(gpu, gpus + 1))
    assert more.wall_seconds < fewer.wall_seconds
    assert more.gpu_hours >= fewer.gpu_hours  # splitting never makes the work itself smaller


def test_splitting_a_tiny_clip_costs_more_than_it_saves():
    tiny = Clip(256, 256, 17, 16)
    one = estimate(WAN_1_3B, tiny, Sampling(4, 1), Hardware(H100, 1))
    eight = estimate(WAN_1_3B, tiny, Sampling(4, 1), Hardware(H100, 8))
    assert eight.wall_seconds > one.wall_seconds


@given(archs, sides, sides, frames, st.floats(0.1, 120))
def test_cost_is_linear_in_video_length_at_a_fixed_window(arch, width, height, count, minutes):
    run = estimate(arch, Clip(width, height, count, 16), WAN_SAMPLING, Hardware(H100))
    per_minute = run.gpu_hours_per_video_minute
    windows = minutes * 60 / run.clip_seconds
    assert windows * run.gpu_hours == pytest.approx(minutes * per_minute)


@given(archs, sides, sides, frames)
def test_a_longer_window_costs_more_per_minute_because_attention_is_quadratic(
    arch, width, height, count
):
    short = estimate(arch, Clip(width, height, count, 16), WAN_SAMPLING, Hardware(H100))
    long = estimate(arch, Clip(width, height, 2 * count - 1, 16), WAN_SAMPLING, Hardware(H100))
    assert long.gpu_hours_per_video_minute > short.gpu_hours_per_video_minute


@given(archs, sides, sides, frames, frames)
def test_attention_share_grows_with_tokens(arch, width, height, fewer, more):
    a = estimate(arch, Clip(width, height, min(fewer, more), 16), WAN_SAMPLING, Hardware(H100))
    b = estimate(arch, Clip(width, height, max(fewer, more), 16), WAN_SAMPLING, Hardware(H100))
    assert b.tokens >= a.tokens
    assert b.attention_share >= a.attention_share


def test_fp8_is_faster_only_where_the_gpu_has_it():
    bf16 = estimate(WAN_14B, CLIP_720P, WAN_SAMPLING, Hardware(H100))
    fp8 = estimate(WAN_14B, CLIP_720P, WAN_SAMPLING, Hardware(H100, 1, Precision.FP8))
    assert fp8.wall_seconds < bf16.wall_seconds


@given(st.floats(-0.9, 0.5), st.floats(0.5, 20))
def test_a_price_trend_recovers_an_exact_exponential(change, start):
    years = [2023.5, 2024.25, 2025.0, 2026.4]
    trend = fit_trend([(y, start * (1 + change) ** (y - 2023.5)) for y in years])
    assert trend.annual_change == pytest.approx(change, abs=1e-9)
    assert trend.sigma == pytest.approx(0, abs=1e-9)


def test_prices_are_held_at_the_edges_and_lent_to_similar_gpus():
    book = PriceBook(
        [
            GpuPrice("h100-sxm", PartialDate.parse("2024-06"), 4.0, None, 8.0),
            GpuPrice("h100-sxm", PartialDate.parse("2025-06"), None, 2.0),
            GpuPrice("a100-sxm", PartialDate.parse("2025-06"), None, 1.0),
        ],
        proxies={"a800-sxm": "a100-sxm"},
    )
    late = book.quote("h100-sxm", dt.date(2030, 1, 1))
    assert late.usd_per_gpu_hour == pytest.approx(2.0, rel=1e-3)
    assert "held" in late.basis
    assert book.quote("a800-sxm", dt.date(2025, 6, 15)).usd_per_gpu_hour == pytest.approx(1.0)
    # one A100 record borrows the H100's slope: a year earlier it cost more, in proportion
    earlier = book.quote("a100-sxm", dt.date(2024, 6, 15)).usd_per_gpu_hour
    assert earlier == pytest.approx(math.sqrt(32) / 2.0, rel=1e-2)


def test_decimal_years():
    assert decimal_year(dt.date(2024, 1, 1)) == 2024
    assert decimal_year(dt.date(2024, 7, 2)) == pytest.approx(2024.5, abs=0.01)


def test_inputs_past_the_models_bounds_are_named():
    with pytest.raises(CostInputError) as caught:
        estimate(WAN_14B, Clip(32_768, 720, 81, 16), Sampling(50, 2), Hardware(H100, 200_000))
    assert set(caught.value.fields) == {"width", "gpus"}
    assert "at most 16,384" in caught.value.fields["width"]


def test_the_cost_model_imports_without_flask_or_the_database():
    """The model is plain Python: importing it (and the dates it reads) loads no web framework,
    no ORM and no models, so a script or a notebook can use it alone."""
    program = (
        "import sys, timeline.costmodel.projection, timeline.costmodel.backtest, "
        "timeline.costmodel.scenarios, timeline.dates; "
        "print(' '.join(m for m in ('flask', 'sqlalchemy', 'timeline.domain') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""
