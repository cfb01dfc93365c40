"""How much arithmetic one clip of a diffusion-transformer video model takes, and how long.

A clip is encoded by a VAE that compresses time by `vae_t` and each side by `vae_s`; the
transformer then cuts the latent into patches of `patch_t` x `patch_s` x `patch_s`, one token
each. Every denoising step runs the transformer once per guidance pass over all tokens:
about 2 FLOPs per parameter per token for the linear layers, plus full 3D self-attention,
4 x layers x hidden x tokens^2 (QK^T and attention-times-V), which dominates long clips.
Text encoding and VAE decoding are left out: they are small next to 50 steps of the
transformer, and the calibration run's measured time already includes them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from timeline.costmodel.hardware import Efficiency, Gpu, Precision, efficiency_for


class CostInputError(ValueError):
    """Inputs that describe no possible run, each named with what is wrong with it."""

    def __init__(self, fields: dict[str, str]):
        self.fields = fields
        super().__init__("; ".join(f"{k}: {v}" for k, v in fields.items()))


@dataclass(frozen=True)
class Architecture:
    """The shape of a video diffusion transformer and its VAE."""

    params: float
    layers: int
    hidden: int
    vae_t: int
    vae_s: int
    patch_t: int
    patch_s: int

    @property
    def pixels_per_token_side(self) -> int:
        return self.vae_s * self.patch_s


@dataclass(frozen=True)
class Clip:
    """A generated clip. A causal VAE keeps the first frame alone, so 5 s at 16 fps is 81 frames."""

    width: int
    height: int
    frames: int
    fps: float

    @classmethod
    def of_seconds(cls, width: int, height: int, seconds: float, fps: float) -> Clip:
        return cls(width, height, round(seconds * fps) + 1, fps)

    @property
    def seconds(self) -> float:
        return (self.frames - 1) / self.fps


@dataclass(frozen=True)
class Sampling:
    """Denoising steps, and transformer passes per step (2 with classifier-free guidance)."""

    steps: int
    guidance_passes: int

    @property
    def forward_passes(self) -> int:
        return self.steps * self.guidance_passes


@dataclass(frozen=True)
class Hardware:
    gpu: Gpu
    count: int = 1
    precision: Precision = Precision.BF16


class Part(StrEnum):
    LINEAR = "linear"
    ATTENTION = "attention"


@dataclass(frozen=True)
class Estimate:
    """What one clip costs in tokens, FLOPs and time, with the efficiency assumed."""

    latent_frames: int
    tokens: int
    arch: Architecture
    flops_per_pass: dict[Part, float]
    forward_passes: int
    efficiency: Efficiency
    peak_flops: float
    clip_seconds: float

    @property
    def flops(self) -> float:
        return sum(self.flops_per_pass.values()) * self.forward_passes

    @property
    def attention_share(self) -> float:
        return self.flops_per_pass[Part.ATTENTION] / sum(self.flops_per_pass.values())

    @property
    def wall_seconds(self) -> float:
        linear, attention = (self.flops_per_pass[p] * self.forward_passes for p in Part)
        return self.efficiency.seconds(linear, attention, self.peak_flops, self.exchanged)

    @property
    def exchanged(self) -> float:
        """Activation elements that cross between GPUs when the clip is split: every layer of
        every pass hands on its tokens' hidden states."""
        return float(self.forward_passes * self.arch.layers * self.tokens * self.arch.hidden)

    @property
    def mfu(self) -> float:
        """The share of the GPUs' peak the whole run sustains, overheads included."""
        return self.flops / (self.wall_seconds * self.peak_flops * self.efficiency.gpus)

    @property
    def gpu_hours(self) -> float:
        return self.wall_seconds * self.efficiency.gpus / 3600

    @property
    def clips_per_video_minute(self) -> float:
        """Clips of this length laid end to end to fill a minute: the model's window is fixed."""
        return 60 / self.clip_seconds

    @property
    def gpu_hours_per_video_minute(self) -> float:
        return self.gpu_hours * self.clips_per_video_minute


# The largest input the model accepts: generous for any real run (an hour of 16K video on a
# 100-trillion-parameter model), and far enough from float overflow that every answer is finite.
UPPER_BOUNDS: dict[str, float] = {
    "params": 1e14, "layers": 10_000, "hidden": 1_000_000, "vae_t": 64, "vae_s": 64,
    "patch_t": 16, "patch_s": 16, "width": 16_384, "height": 16_384, "frames": 1_000_000,
    "seconds": 3_600, "fps": 1_000, "steps": 10_000, "guidance_passes": 10, "gpus": 100_000,
    "price_per_gpu_hour": 1_000_000, "mfu": 1,
}  # fmt: skip
# The smallest, where a tiny positive value would still overflow the time or the duration.
LOWER_BOUNDS: dict[str, float] = {"mfu": 0.001, "fps": 0.1}


def bound_problem(name: str, value: float) -> str | None:
    """Why a value lies outside what the model accepts for this input, if it does."""
    ceiling, floor = UPPER_BOUNDS.get(name), LOWER_BOUNDS.get(name)
    if ceiling is not None and value > ceiling:
        return f"{value:g} is more than this model accepts: at most {ceiling:,g}"
    if floor is not None and value < floor:
        return f"{value:g} is less than this model accepts: at least {floor:g}"
    return None


def _check_bounds(values: dict[str, float], fields: dict[str, str]) -> None:
    for name, value in values.items():
        if name not in fields and (problem := bound_problem(name, value)):
            fields[name] = problem


def check(arch: Architecture, clip: Clip, sampling: Sampling, hardware: Hardware) -> None:
    """Raise CostInputError naming every input that cannot describe a run."""
    fields: dict[str, str] = {}
    _check_architecture(arch, fields)
    _check_clip(arch, clip, fields)
    if sampling.steps < 1:
        fields["steps"] = "at least one denoising step is needed"
    if sampling.guidance_passes < 1:
        fields["guidance_passes"] = "at least one pass per step is needed"
    if hardware.count < 1:
        fields["gpus"] = "at least one GPU is needed"
    if hardware.gpu.peak_tflops(hardware.precision) is None:
        fields["precision"] = f"{hardware.gpu.name} has no {hardware.precision.upper()} support"
    sizes = {name: getattr(arch, name) for name in ("params", "layers", "hidden", "vae_t",
                                                    "vae_s", "patch_t", "patch_s")}  # fmt: skip
    sizes |= {"width": clip.width, "height": clip.height, "frames": clip.frames, "fps": clip.fps}
    sizes |= {"steps": sampling.steps, "guidance_passes": sampling.guidance_passes}
    _check_bounds(sizes | {"gpus": hardware.count}, fields)
    if fields:
        raise CostInputError(fields)


def _check_architecture(arch: Architecture, fields: dict[str, str]) -> None:
    if not arch.params > 0:
        fields["params"] = "the parameter count must be above zero"
    for name in ("layers", "hidden", "vae_t", "vae_s", "patch_t", "patch_s"):
        if getattr(arch, name) < 1:
            fields[name] = "must be a whole number of at least 1"


def _check_clip(arch: Architecture, clip: Clip, fields: dict[str, str]) -> None:
    if not clip.fps > 0:
        fields["fps"] = "frames per second must be above zero"
    if clip.frames < 2:
        fields["frames"] = "a video needs at least two frames"
    for name, pixels in (("width", clip.width), ("height", clip.height)):
        if problem := side_problem(arch, pixels):
            fields[name] = problem


def side_problem(arch: Architecture, pixels: int) -> str | None:
    """Why the VAE and patches cannot tile a frame side of this many pixels, if they cannot."""
    side = arch.pixels_per_token_side
    if side < 1 or (pixels >= side and pixels % side == 0):
        return None
    padded = max(side, math.ceil(pixels / side) * side)
    return (
        f"{pixels} px is not a positive multiple of {side} "
        f"(VAE {arch.vae_s} x patch {arch.patch_s}); try {padded}"
    )


def latent_frames(arch: Architecture, frames: int) -> int:
    """Frames after the VAE: the first alone, then one per `vae_t`, padding a short tail."""
    return 1 + math.ceil((frames - 1) / arch.vae_t)


def token_count(arch: Architecture, clip: Clip) -> int:
    """Transformer tokens for one clip."""
    side = arch.pixels_per_token_side
    depth = math.ceil(latent_frames(arch, clip.frames) / arch.patch_t)
    return depth * (clip.height // side) * (clip.width // side)


def flops_per_pass(arch: Architecture, tokens: int) -> dict[Part, float]:
    """FLOPs of one transformer pass over `tokens`, split into linear layers and attention."""
    return {
        Part.LINEAR: 2.0 * arch.params * tokens,
        Part.ATTENTION: 4.0 * arch.layers * arch.hidden * float(tokens) ** 2,
    }


def estimate(
    arch: Architecture,
    clip: Clip,
    sampling: Sampling,
    hardware: Hardware,
    efficiency: Efficiency | None = None,
) -> Estimate:
    """Tokens, FLOPs and time for one clip; efficiency defaults to the GPU's generation's."""
    check(arch, clip, sampling, hardware)
    tokens = token_count(arch, clip)
    used = efficiency or efficiency_for(hardware.gpu, hardware.count, precision=hardware.precision)
    return Estimate(
        latent_frames=latent_frames(arch, clip.frames),
        tokens=tokens,
        arch=arch,
        flops_per_pass=flops_per_pass(arch, tokens),
        forward_passes=sampling.forward_passes,
        efficiency=used,
        peak_flops=hardware.gpu.peak_tflops(hardware.precision) * 1e12,
        clip_seconds=clip.seconds,
    )


def calibrated_overhead(runs: list[tuple[Estimate, float]]) -> float:
    """The overhead factor that makes the transformer-only predictions match measured runs.

    Each run is an estimate made with overhead 1 and the seconds measured; the factor is the
    geometric mean of measured over predicted, so one run sets it exactly.
    """
    if not runs:
        return 1.0
    logs = [math.log(seconds / run.wall_seconds) for run, seconds in runs]
    return math.exp(sum(logs) / len(logs))
