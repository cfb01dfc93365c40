"""Time the cost model: one evaluation, one full projection, and the /cost and /api/cost
requests on the seeded reference data.

    make bench-cost
    .venv/bin/python bench/cost_model.py --runs 2000

The pure-model timings read the seed file directly into the model's own types (no database);
the request timings load the seeds into a migrated SQLite file in a temporary folder.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml
from flask_migrate import upgrade

from timeline import create_app
from timeline.costmodel.compute import Architecture, Clip, Hardware, Sampling, estimate
from timeline.costmodel.hardware import Generation, Gpu, efficiency_for
from timeline.costmodel.prices import GpuPrice, PriceBook
from timeline.costmodel.projection import Assumptions, project
from timeline.costmodel.scenarios import Workload
from timeline.dates import PartialDate

SEEDS = Path(__file__).resolve().parent.parent / "seeds" / "costmodel.yaml"


def timed(action: Callable[[], object], runs: int) -> list[float]:
    """Seconds per call, each call timed on its own."""
    action()  # warm caches and imports
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return samples


def report(label: str, samples: list[float], per: int = 1) -> None:
    median = statistics.median(samples) / per
    p95 = sorted(samples)[int(len(samples) * 0.95) - 1] / per
    unit, scale = ("µs", 1e6) if median < 1e-3 else ("ms", 1e3)
    print(f"{label:<44} median {median * scale:8.2f} {unit}   p95 {p95 * scale:8.2f} {unit}")


def model_inputs() -> tuple[Gpu, Architecture, PriceBook]:
    data = yaml.safe_load(SEEDS.read_text(encoding="utf-8"))
    h100 = next(g for g in data["gpus"] if g["slug"] == "h100-sxm")
    gpu = Gpu("h100-sxm", h100["name"], Generation(h100["generation"]), h100["bf16_tflops"],
              h100["fp8_tflops"])  # fmt: skip
    wan = next(m for m in data["video_models"] if m["slug"] == "wan2.1-14b")
    arch = Architecture(*(wan[k] for k in ("params", "layers", "hidden", "vae_t", "vae_s",
                                           "patch_t", "patch_s")))  # fmt: skip
    book = PriceBook(
        GpuPrice(
            p["gpu"],
            PartialDate.parse(p["observed"]),
            p.get("usd_low"),
            p.get("usd_typical"),
            p.get("usd_high"),
        )
        for p in data["gpu_prices"]
    )
    return gpu, arch, book


def bench_model(runs: int) -> None:
    gpu, arch, book = model_inputs()
    clip = Clip(1280, 720, 81, 16)
    used = efficiency_for(gpu, 8, 1.12)
    report("one cost evaluation", timed(
        lambda: estimate(arch, clip, Sampling(50, 2), Hardware(gpu, 8), used).wall_seconds, runs
    ))  # fmt: skip
    workload = Workload("wan2.1-14b", arch, clip, Sampling(50, 2))
    assumptions = Assumptions(gpu, workload, dt.date(2023, 6, 1), 1.12)
    points = len(project(book, assumptions).points)
    samples = timed(lambda: project(book, assumptions), max(runs // 20, 20))
    report(f"one full projection ({points} months x 3 cases)", samples)
    report("  per projected point (3 cases)", samples, per=points)


def bench_requests(runs: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        app = create_app({"DATABASE_URL": url, "SERVER_NAME": "bench.local"})
        with app.app_context():
            upgrade()
        app.test_cli_runner().invoke(args=["seed"])
        client = app.test_client()
        calc = "/api/cost?model=wan2.1-14b&gpu=h800-sxm&gpus=8&width=1280&height=720&seconds=5"
        for label, path in [("GET /api/cost", calc), ("GET /api/scenarios", "/api/scenarios"),
                            ("GET /api/projections (with backtest)", "/api/projections"),
                            ("GET /cost (page, chart, all tables)", "/cost")]:  # fmt: skip
            report(label, timed(lambda path=path: client.get(path).data, max(runs // 20, 20)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000, help="timed calls per model case")
    args = parser.parse_args()
    bench_model(args.runs)
    bench_requests(args.runs)


if __name__ == "__main__":
    main()
