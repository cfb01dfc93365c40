"""Probes for a load balancer or an orchestrator: `/healthz` says the process answers (restart
it if not), `/readyz` says it can serve (send it traffic only then): the database answers and
its schema is at the newest migration this release ships."""

from __future__ import annotations

from functools import cache

from alembic.script import ScriptDirectory
from flask import Blueprint, Flask, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from timeline.config import shipped
from timeline.db import REPLICA_BIND, db

bp = Blueprint("health", __name__)


@cache
def newest_revisions(migrations: str) -> frozenset[str]:
    """The head revisions of the shipped migrations: read once, they change only with a
    release."""
    return frozenset(ScriptDirectory(migrations).get_heads())


def _schema_problem(session: Session, bind) -> str | None:
    """What keeps the database behind `bind` from serving this release, or None."""
    try:
        session.connection(bind_arguments={"bind": bind})
    except DBAPIError:
        current_app.logger.warning("readiness: the database does not answer", exc_info=True)
        return "the database does not answer"
    try:
        rows = session.execute(text("SELECT version_num FROM alembic_version"),
                               bind_arguments={"bind": bind})  # fmt: skip
        found = frozenset(rows.scalars())
    except DBAPIError:
        session.rollback()
        return "the database has no schema: run `flask db upgrade`"
    newest = newest_revisions(str(shipped("migrations")))
    if found != newest:
        shown = ", ".join(sorted(found)) or "none"
        return f"the schema is at {shown}, this release needs {', '.join(sorted(newest))}"
    return None


def _problems() -> dict[str, str]:
    engines = db.engines
    binds = {"database": engines[None]}
    if REPLICA_BIND in engines:
        binds["read_database"] = engines[REPLICA_BIND]
    found = {name: _schema_problem(db.session, bind) for name, bind in binds.items()}
    return {name: problem for name, problem in found.items() if problem}


def _uncached(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/healthz")
def healthz():
    """The process answers; the database is not asked."""
    return _uncached(jsonify(status="ok"))


@bp.get("/readyz")
def readyz():
    """200 when every database answers at the newest schema, 503 naming what is wrong."""
    problems = _problems()
    if problems:
        current_app.logger.warning("not ready: %s", "; ".join(problems.values()))
        return _uncached(jsonify(status="unavailable", problems=problems)), 503
    return _uncached(jsonify(status="ready"))


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
