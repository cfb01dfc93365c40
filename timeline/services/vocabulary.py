"""The categories and actor kinds, with the labels readers see."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from timeline.domain import ActorKind, Category


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """Slug to label, for categories and for actor kinds, in label order."""

    categories: dict[str, str]
    kinds: dict[str, str]
    descriptions: dict[str, str | None]


def load_vocabulary(session: Session) -> Vocabulary:
    categories = session.execute(select(Category.slug, Category.label, Category.description))
    kinds = session.execute(select(ActorKind.slug, ActorKind.label, ActorKind.description))
    rows = sorted(categories, key=lambda r: r.label), sorted(kinds, key=lambda r: r.label)
    return Vocabulary(
        categories={r.slug: r.label for r in rows[0]},
        kinds={r.slug: r.label for r in rows[1]},
        descriptions={r.slug: r.description for r in (*rows[0], *rows[1])},
    )
