"""Reading the calculator's query string, shared by /cost and /api/cost, an error per parameter."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from timeline.costmodel.compute import (
    LOWER_BOUNDS,
    UPPER_BOUNDS,
    Architecture,
    Clip,
    Sampling,
    bound_problem,
    side_problem,
)
from timeline.costmodel.hardware import Precision
from timeline.dates import PartialDate
from timeline.services.costs.calculator import CostRequest
from timeline.services.costs.data import CostData
from timeline.web.api.openapi import Param
from timeline.web.event_params import PARTIAL_DATE, BadParameters, date_parameter

ARCH_FIELDS = ("params", "layers", "hidden", "vae_t", "vae_s", "patch_t", "patch_s")
# What the calculator page shows before anyone asks: the calibration model on one H100.
PAGE_DEFAULTS = {"model": "wan2.1-14b", "gpu": "h100-sxm", "gpus": "1", "width": "1280",
                 "height": "720", "seconds": "5"}  # fmt: skip


def _positive(name: str, description: str, kind: str = "integer", required: bool = False) -> Param:
    """A number above zero and within what the compute model accepts: the reader's own checks."""
    schema: dict[str, Any] = {"type": kind, "maximum": UPPER_BOUNDS[name]}
    if name in LOWER_BOUNDS:
        schema["minimum"] = LOWER_BOUNDS[name]
    else:
        schema["exclusiveMinimum"] = 0
    return Param(name, description, schema, required=required)


# Every parameter the reader below reads: it reads no other name, takes whole numbers where
# the type is "integer", and requires what is marked required, so the API's description and
# the parsing cannot part.
COST_PARAMS: tuple[Param, ...] = (
    Param("model", "A video model by slug: its architecture, steps, guidance passes and frame "
          "rate are the defaults; without it, every architecture parameter is required"),
    _positive("params", "Transformer parameters", "number"),
    _positive("layers", "Transformer layers"),
    _positive("hidden", "Transformer hidden width"),
    _positive("vae_t", "VAE compression in time"),
    _positive("vae_s", "VAE compression of each frame side"),
    _positive("patch_t", "Latent frames per patch"),
    _positive("patch_s", "Latent pixels per patch side"),
    Param("gpu", "The GPU by slug (see /api/gpus)", required=True),
    _positive("gpus", "GPUs one clip is split over; 1 if left out"),
    Param("precision", "The GPUs' number format; bf16 if left out",
          {"type": "string", "enum": [p.value for p in Precision]}),
    _positive("width", "Frame width in pixels: a multiple of vae_s x patch_s", required=True),
    _positive("height", "Frame height in pixels: a multiple of vae_s x patch_s", required=True),
    _positive("frames", "Frames in the clip; give this or `seconds`"),
    _positive("seconds", "Clip length, made whole frames at `fps` plus the first", "number"),
    _positive("fps", "Frames per second; the model's if left out", "number"),
    _positive("steps", "Denoising steps; the model's if left out"),
    _positive("guidance_passes", "Transformer passes per step (2 with classifier-free "
              "guidance); the model's if left out"),
    _positive("mfu", "One share of peak for every kernel, instead of the GPU generation's "
              "defaults and the calibrated overhead", "number"),
    _positive("price_per_gpu_hour", "USD per GPU-hour, instead of the GPU's fitted rental price",
              "number"),
    Param("date", "The day the GPU's fitted rental price is taken on: a year, month or day "
          "(its first day); today if left out", PARTIAL_DATE),
)  # fmt: skip
COST_PARAMETERS = {param.name: param for param in COST_PARAMS}


class _Reader:
    """Typed values from the query string, collecting a message for each bad one."""

    def __init__(self, args: Mapping[str, str]):
        self.args = args
        self.errors: dict[str, str] = {}

    @staticmethod
    def _described(key: str) -> str:
        if key not in COST_PARAMETERS:
            raise KeyError(f"{key!r} is read but not described in COST_PARAMS")
        return key

    def text(self, key: str) -> str | None:
        value = (self.args.get(self._described(key)) or "").strip()
        return value or None

    def date(self, key: str) -> PartialDate | None:
        return date_parameter(self.args, self._described(key), self.errors)

    def number(self, key: str) -> float | None:
        """The value, a whole number if COST_PARAMS types it "integer"."""
        text, param = self.text(key), COST_PARAMETERS[key]
        if text is None:
            if param.required:
                self.errors[key] = "is required"
            return None
        whole = param.schema["type"] == "integer"
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        kind = "a whole number" if whole else "a number"
        if not math.isfinite(value) or (whole and value != int(value)):
            self.errors[key] = f"{text!r} is not {kind}"
            return None
        if value <= 0:
            self.errors[key] = f"must be above zero, got {text}"
            return None
        if problem := bound_problem(key, value):
            self.errors[key] = problem
            return None
        return int(value) if whole else value

    def whole(self, key: str) -> int | None:
        value = self.number(key)
        return None if value is None else int(value)


def _architecture(read: _Reader, data: CostData) -> tuple[str | None, Architecture | None, dict]:
    """The named model's architecture and defaults, or one built from explicit parameters."""
    slug = read.text("model")
    if slug is not None:
        row = data.models.get(slug)
        if row is None:
            read.errors["model"] = f"unknown model {slug!r}; known: {', '.join(data.models)}"
            return slug, None, {}
        defaults = {"steps": row.steps, "guidance_passes": row.guidance_passes, "fps": row.fps}
        values = {f: getattr(row, f) for f in ARCH_FIELDS}
    else:
        defaults, values = {}, {}
    for name in ARCH_FIELDS:
        given = read.number(name) if name == "params" else read.whole(name)
        if given is not None:
            values[name] = given
        elif slug is None:
            read.errors[name] = "is required without a 'model'"
    if len(values) < len(ARCH_FIELDS):
        return slug, None, defaults
    return slug, Architecture(**values), defaults


def _clip(read: _Reader, defaults: dict) -> Clip | None:
    width, height = read.whole("width"), read.whole("height")
    frames, seconds = read.whole("frames"), read.number("seconds")
    fps = read.number("fps") or defaults.get("fps")
    if frames is None and seconds is None and not {"frames", "seconds"} & set(read.errors):
        read.errors.setdefault("frames", "give 'frames', or 'seconds' and 'fps'")
    if fps is None and "fps" not in read.errors:
        read.errors["fps"] = "is required without a 'model' that has a frame rate"
    if None in (width, height, fps) or (frames is None and seconds is None):
        return None
    if frames is not None:
        return Clip(width, height, frames, fps)
    return Clip.of_seconds(width, height, seconds, fps)


def _divisible(read: _Reader, arch: Architecture | None) -> None:
    """Name a frame side the VAE and patches cannot tile, alongside any other bad input."""
    if arch is None:
        return
    for key in ("width", "height"):
        value = read.whole(key) if key not in read.errors else None
        if value is not None and (problem := side_problem(arch, value)):
            read.errors[key] = problem


def _sampling(read: _Reader, defaults: dict) -> Sampling | None:
    steps = read.whole("steps") or defaults.get("steps")
    passes = read.whole("guidance_passes") or defaults.get("guidance_passes")
    for key, value in (("steps", steps), ("guidance_passes", passes)):
        if value is None and key not in read.errors:
            read.errors[key] = "is required without a 'model'"
    return Sampling(steps, passes) if steps and passes else None


def _hardware(read: _Reader, data: CostData) -> tuple[str | None, int | None, Precision]:
    gpu = read.text("gpu")
    if gpu is None:
        read.errors["gpu"] = f"is required; known: {', '.join(data.gpus)}"
    elif gpu not in data.gpus:
        read.errors["gpu"] = f"unknown GPU {gpu!r}; known: {', '.join(data.gpus)}"
        gpu = None
    count = read.whole("gpus") if read.text("gpus") else 1
    precision = read.text("precision") or "bf16"
    if precision not in {p.value for p in Precision}:
        read.errors["precision"] = f"unknown precision {precision!r}; use bf16 or fp8"
        precision = "bf16"
    return gpu, count, Precision(precision)


def _extras(read: _Reader) -> dict:
    mfu = read.number("mfu")
    day = read.date("date")
    price = read.number("price_per_gpu_hour")
    return {"mfu": mfu, "price_per_gpu_hour": price, "day": day.earliest if day else None}


def cost_request(args: Mapping[str, str], data: CostData) -> CostRequest:
    """A CostRequest from the query string; raises BadParameters naming every bad parameter."""
    read = _Reader(args)
    model, arch, defaults = _architecture(read, data)
    clip = _clip(read, defaults)
    _divisible(read, arch)
    sampling = _sampling(read, defaults)
    gpu, count, precision = _hardware(read, data)
    extras = _extras(read)
    if read.errors:
        raise BadParameters(read.errors)
    assert arch and clip and sampling and gpu and count  # each missing one left an error above
    return CostRequest(model, arch, gpu, count, clip, sampling, precision, **extras)
