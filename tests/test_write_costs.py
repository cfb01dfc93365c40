"""What one API write costs: a token's use is written once a minute, not on every request,
so an API write is one write."""

from __future__ import annotations

from sqlalchemy import event, select

from tests.conftest import make_accounts
from tests.test_api_writes import EVENT, bearer
from timeline.db import db
from timeline.domain import ApiToken
from timeline.services.accounts import tokens as api_tokens


def secret_of_admin(session) -> str:
    _token, secret = api_tokens.create(session, make_accounts(session)["admin"], "script")
    session.commit()
    return secret


def statements(app, action) -> list[str]:
    sent: list[str] = []
    with app.app_context():
        engine = db.engine
    listener = lambda *args: sent.append(args[2].lstrip().upper())  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return sent


def test_a_token_used_twice_within_a_minute_writes_its_use_once(app, client, session):
    secret = secret_of_admin(session)
    client.post("/api/events", json=EVENT, headers=bearer(secret))
    first = session.scalars(select(ApiToken.last_used_at)).one()
    body = EVENT | {"title": "Another deal", "sources": [{"url": "https://example.org/2"}]}
    sent = statements(app, lambda: client.post("/api/events", json=body, headers=bearer(secret)))
    assert not [s for s in sent if s.startswith("UPDATE API_TOKENS")]
    session.expire_all()
    assert session.scalars(select(ApiToken.last_used_at)).one() == first
