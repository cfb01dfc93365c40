"""Replay a fixed set of API requests against freshly seeded SQLite and write what came back.

Two recordings made from different commits are compared with `--compare A B`: the answers
must match byte for byte, but for the times the database stamps rows with (created_at,
updated_at, and the feed and calendar fields made from them), which differ between two
loads of the same seed data.

    .venv/bin/python bench/api_replay.py --out /tmp/before.json
    .venv/bin/python bench/api_replay.py --compare /tmp/before.json /tmp/after.json
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade

from timeline import create_app
from timeline.db import db

READS = [
    "/api/events",
    "/api/events?limit=5",
    "/api/events?limit=3&sort=-start,title",
    "/api/events?category=lawsuit&category=labor-action&total=true",
    "/api/events?from=2023&to=2023-12&fields=slug,title,start",
    "/api/events?q=sora&limit=10",
    "/api/events?q=%22voice%22%20-union",
    "/api/events?actor=openai&limit=4",
    "/api/events?kind=guild&kind=union",
    "/api/events?limit=0",
    "/api/events?limit=99999999999999999999",
    "/api/events?from=2024-13",
    "/api/events?sort=bogus",
    "/api/events?cursor=nonsense",
    "/api/events?q=%00",
    "/api/events?actor=nobody-here",
    "/api/events.json?limit=2",
    "/api/events.csv",
    "/api/events.csv?category=lawsuit",
    "/api/events.ics?category=labor-action",
    "/api/events.atom?limit=5",
    "/api/events.timelinejs.json?from=2024",
    "/api/events/openai-unveils-sora",
    "/api/events/openai-reveals-sora-text-to-video-model",
    "/api/events/sag-aftra-tv-theatrical-strike",
    "/api/events/no-such-event",
    "/api/actors",
    "/api/actors?kind=studio",
    "/api/actors?name=writers",
    "/api/actors/openai",
    "/api/actors/no-such-actor",
    "/api/categories",
    "/api/kinds",
    "/api/cost",
    "/api/cost?gpu=h100&seconds=20",
    "/api/cost?seconds=-1",
    "/api/cost?model=wan2.1-14b&gpu=h800-sxm&width=1280&height=720&frames=81",
    "/api/cost?model=hunyuanvideo&gpu=h20&width=1280&height=720&frames=129&as_of=2025-06",
    "/api/scenarios/no-such",
    "/api/scenarios",
    "/api/projections",
    "/api/projections?as_of=2020",
    "/api/gpus",
    "/api/prices",
    "/api/runs",
    "/api/openapi.json",
]

EVENT = {
    "title": "Northlight signs AI dubbing deal",
    "summary": "The studio will dub its back catalogue with synthetic voices.",
    "category": "studio-deal",
    "start": "2024-03",
    "actors": [
        {"name": "Northlight Pictures", "kind": "studio", "role": "party"},
        {"slug": "openai"},
    ],
    "sources": [{"url": "https://news.example.org/northlight", "publisher": "Example News"}],
}

WRITES = [
    ("POST", "/api/events", EVENT),
    ("POST", "/api/events", EVENT),
    ("POST", "/api/events", EVENT | {"confirm_duplicate": True, "slug": "northlight-2"}),
    ("POST", "/api/events", {"title": 3, "start": "2024-02-30", "actors": [{"kind": "x"}]}),
    ("POST", "/api/events", {"title": "A\ud800", "category": "demo", "start": "2024"}),
    ("POST", "/api/events", {"title": "x", "category": "demo", "start": "2024", "extra": 1}),
    ("POST", "/api/events", EVENT | {"status": "published"}),
    ("PATCH", "/api/events/northlight-signs-ai-dubbing-deal", {"summary": "Changed."}),
    ("PATCH", "/api/events/northlight-signs-ai-dubbing-deal", {"end": "2023-01"}),
    ("PATCH", "/api/events/northlight-signs-ai-dubbing-deal", {"slug": "other"}),
    ("PATCH", "/api/events/openai-reveals-sora-text-to-video-model", {"ongoing": "yes"}),
    ("PATCH", "/api/events/openai-reveals-sora-text-to-video-model", {"notes": "Checked."}),
    ("PATCH", "/api/events/sag-aftra-tv-theatrical-strike", {"actors": [{"slug": "nobody"}]}),
    ("DELETE", "/api/events/northlight-2", None),
    ("GET", "/api/events/northlight-signs-ai-dubbing-deal", None),
]

# Values stamped from the clock at load time: equal answers differ only in these.
_STAMPED = re.compile(
    r'("(?:created_at|updated_at)": ?)"[^"]*"'
    r"|((?:DTSTAMP|CREATED|LAST-MODIFIED):)[0-9TZ]+"
    r"|(<(?:updated|published)>)[^<]*"
)


def _masked(text: str) -> str:
    return _STAMPED.sub(lambda m: (m.group(1) or m.group(2) or m.group(3)) + "…", text)


def _app(path: Path):
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{path}",
            "SECRET_KEY": "replay",
            "SERVER_NAME": "timeline.test",
            "RATELIMIT_ENABLED": False,
            "API_ANSWERS_KEPT": 0,
        }
    )
    app.instance_path = str(path.parent)
    with app.app_context():
        upgrade()
    result = app.test_cli_runner().invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    return app


def _token(app) -> str:
    from timeline.domain import UserRole
    from timeline.services.accounts import tokens
    from timeline.services.accounts.users import create_user

    with app.app_context():
        user = create_user(db.session, "replay-admin", "correct horse battery", UserRole.ADMIN)
        _token_row, secret = tokens.create(db.session, user, "replay")
        db.session.commit()
    return secret


def record() -> list[dict]:
    with tempfile.TemporaryDirectory() as folder:
        app = _app(Path(folder) / "replay.sqlite3")
        secret, client = _token(app), app.test_client()
        answers = []
        for url in READS:
            answers.append(_answer("GET", url, client.get(url)))
        headers = {"Authorization": f"Bearer {secret}"}
        for method, url, body in WRITES:
            response = client.open(url, method=method, json=body, headers=headers)
            answers.append(_answer(method, url, response))
        with app.app_context():
            db.engine.dispose()
    return answers


def _answer(method: str, url: str, response) -> dict:
    return {
        "request": f"{method} {url}",
        "status": response.status_code,
        "type": response.content_type,
        "body": _masked(response.get_data(as_text=True)),
    }


def compare(before: Path, after: Path) -> int:
    old, new = (json.loads(p.read_text()) for p in (before, after))
    differing = [(a["request"], a, b) for a, b in zip(old, new, strict=True) if a != b]
    for request, a, b in differing:
        print(f"DIFFERS {request}: status {a['status']} -> {b['status']}")
        for x, y in zip(a["body"].splitlines(), b["body"].splitlines(), strict=False):
            if x != y:
                print(f"  - {x[:300]}\n  + {y[:300]}")
                break
    print(f"{len(old) - len(differing)} of {len(old)} answers identical")
    return 1 if differing else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="where to write the recording")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("BEFORE", "AFTER"))
    args = parser.parse_args()
    if args.compare:
        return compare(*args.compare)
    answers = record()
    text = json.dumps(answers, indent=1, ensure_ascii=False)
    if args.out:
        args.out.write_text(text)
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
