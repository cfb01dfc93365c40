"""GPUs, their peak throughput, and the share of it a real video-generation stack reaches.

Peak numbers are dense (no sparsity) tensor-core FLOPs from the spec sheets. What a model
actually sustains is lower: kernels never reach peak, attention kernels less so on newer
chips whose software lags, and splitting one clip over several GPUs costs communication.
Both shares are explicit assumptions, chosen as the README explains.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Precision(StrEnum):
    BF16 = "bf16"
    FP8 = "fp8"


class Generation(StrEnum):
    """NVIDIA architecture generations: the software stack's maturity differs between them."""

    AMPERE = "ampere"
    ADA = "ada"
    HOPPER = "hopper"
    BLACKWELL = "blackwell"


@dataclass(frozen=True)
class Gpu:
    slug: str
    name: str
    generation: Generation
    bf16_tflops: float
    fp8_tflops: float | None = None
    memory_gb: float | None = None
    bandwidth_tbs: float | None = None
    nvlink_gbs: float | None = None

    def peak_tflops(self, precision: Precision) -> float | None:
        return self.bf16_tflops if precision is Precision.BF16 else self.fp8_tflops


@dataclass(frozen=True)
class Efficiency:
    """How much of peak a run sustains, as explicit shares.

    `linear` and `attention` are the shares of peak the two kinds of kernels reach; `overhead`
    multiplies the transformer's time for all else (text encoder, VAE decode, scheduler);
    `exchange_ns` is what splitting one clip over several GPUs costs per activation element
    each layer passes between them.
    """

    linear: float
    attention: float
    overhead: float = 1.0
    gpus: int = 1
    exchange_ns: float = 0.0
    basis: str = "given"

    def seconds(
        self, linear_flops: float, attention_flops: float, peak_flops: float, exchanged: float
    ) -> float:
        """Wall-clock seconds on `gpus` GPUs of `peak_flops` each, exchanging `exchanged`
        activation elements in all when the work is split."""
        one_gpu = linear_flops / (peak_flops * self.linear)
        one_gpu += attention_flops / (peak_flops * self.attention)
        split = (self.gpus - 1) / self.gpus
        return one_gpu * self.overhead / self.gpus + exchanged * self.exchange_ns * 1e-9 * split


# Dense GEMMs in a mature library reach about 70% of tensor-core peak on large shapes.
LINEAR_SHARE = 0.70
# FlashAttention-2 reaches about 65% of peak on Ampere; on Hopper it cannot use the new
# tensor-core instructions and tops out near 350 TFLOPS (BF16) whatever the chip's peak.
ATTENTION_SHARE = 0.65
ATTENTION_CAP_TFLOPS: dict[Generation, float | None] = {
    Generation.AMPERE: None,
    Generation.ADA: None,
    Generation.HOPPER: 350.0,
    Generation.BLACKWELL: None,  # Blackwell-native attention kernels: no cap assumed
}
# Splitting a clip over GPUs (Ulysses or ring attention) adds time per activation element
# per layer and pass, fitted to HunyuanVideo's published 1- to 8-GPU times. The same seconds
# are lost on H100, H20 and A800 whatever their NVLink speed, so this is a fixed cost per
# element, not a bandwidth.
EXCHANGE_NS_PER_ELEMENT = 0.104


def attention_share(gpu: Gpu, precision: Precision = Precision.BF16) -> float:
    peak = gpu.peak_tflops(precision) or gpu.bf16_tflops
    cap = ATTENTION_CAP_TFLOPS[gpu.generation]
    return ATTENTION_SHARE if cap is None else min(ATTENTION_SHARE, cap / peak)


def efficiency_for(
    gpu: Gpu,
    gpus: int = 1,
    overhead: float = 1.0,
    mfu: float | None = None,
    precision: Precision = Precision.BF16,
) -> Efficiency:
    """The default efficiency of `gpus` of this GPU, or one given share (MFU) for all kernels."""
    exchange = EXCHANGE_NS_PER_ELEMENT
    if mfu is not None:
        return Efficiency(mfu, mfu, 1.0, gpus, exchange, basis="given MFU")
    basis = f"{gpu.generation} defaults, overhead x{overhead:.2f} from calibration"
    attention = attention_share(gpu, precision)
    return Efficiency(LINEAR_SHARE, attention, overhead, gpus, exchange, basis)
