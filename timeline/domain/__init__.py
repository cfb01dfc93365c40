"""The domain: partial dates, events, actors and their vocabularies, and the cost model's data."""

from timeline.domain import copies  # noqa: F401  (registers the flush listener)
from timeline.domain.accounts import ApiToken, LoginAttempt, User
from timeline.domain.accounts import Role as UserRole
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
from timeline.domain.revisions import Revision, Subject
from timeline.domain.versions import DataVersion

__all__ = [
    "Actor",
    "ActorAlias",
    "ActorKind",
    "ApiPrice",
    "ApiToken",
    "Category",
    "DataVersion",
    "Event",
    "EventActor",
    "Gpu",
    "GpuPrice",
    "LlmPrice",
    "LoginAttempt",
    "MeasuredRun",
    "Revision",
    "Role",
    "Scenario",
    "Source",
    "Status",
    "Subject",
    "User",
    "UserRole",
    "VideoModel",
]
