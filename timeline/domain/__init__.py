"""The domain: partial dates, events, actors and their vocabularies, and the cost model's data."""

from timeline.domain import copies  # noqa: F401  (registers the flush listener)
from timeline.domain.actors import Actor, ActorAlias, ActorKind
from timeline.domain.costs import (
    ApiPrice,
    Gpu,
    GpuPrice,
    LlmPrice,
    MeasuredRun,
    Scenario,
    VideoModel,
)
from timeline.domain.events import Category, Event, EventActor, Role, Source, Status

__all__ = [
    "Actor",
    "ActorAlias",
    "ActorKind",
    "ApiPrice",
    "Category",
    "Event",
    "EventActor",
    "Gpu",
    "GpuPrice",
    "LlmPrice",
    "MeasuredRun",
    "Role",
    "Scenario",
    "Source",
    "Status",
    "VideoModel",
]
