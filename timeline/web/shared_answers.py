"""Kept API answers in Redis, shared by every app server (TIMELINE_REDIS_URL): what one
server built for an ETag, another sends without a query. The same `get`/`keep` as the
per-process `http_cache.Answers`, and no entry is stale for the same reason: a tag names the
data versions an answer was built from, and a write anywhere moves them.

An entry is the answer's media type and kept headers as a JSON line, then its body: never
pickled, since whoever can write to Redis could then run code in every server. Each lives at
most API_ANSWERS_SECONDS, so tags no one asks for again leave on their own; a Redis that does
not answer costs a query, never an error.
"""

from __future__ import annotations

import json
import logging

import redis
from flask import Response

from timeline.web.http_cache import KEPT_HEADERS

log = logging.getLogger(__name__)
LARGEST = 1 << 20  # as for the answers a process keeps: larger ones are rebuilt each time


class SharedAnswers:
    """Answers by ETag in Redis, under `prefix`, for `seconds` each."""

    def __init__(self, client: redis.Redis, prefix: str, seconds: int, largest: int = LARGEST):
        self.client, self.prefix = client, prefix + "answers:"
        self.seconds, self.largest = seconds, largest

    @classmethod
    def from_config(cls, config: dict) -> SharedAnswers:
        # Short timeouts: a Redis that hangs must not hold a request much longer than a query.
        client = redis.Redis.from_url(
            config["REDIS_URL"], socket_timeout=0.5, socket_connect_timeout=0.5
        )
        return cls(client, config["REDIS_KEY_PREFIX"], int(config["API_ANSWERS_SECONDS"]))

    def get(self, tag: str) -> Response | None:
        try:
            stored = self.client.get(self.prefix + tag)
        except redis.RedisError:
            log.warning("kept answers: Redis does not answer", exc_info=True)
            return None
        if stored is None:
            return None
        head, _, body = stored.partition(b"\n")
        meta = json.loads(head)
        return Response(body, mimetype=meta["mimetype"], headers=meta["headers"])

    def keep(self, tag: str, response: Response) -> None:
        if response.is_streamed:
            return
        body = response.get_data()
        if len(body) > self.largest:
            return
        headers = {k: v for k, v in response.headers if k in KEPT_HEADERS}
        head = json.dumps({"mimetype": response.mimetype or "", "headers": headers})
        try:
            self.client.set(self.prefix + tag, head.encode() + b"\n" + body, ex=self.seconds)
        except redis.RedisError:
            log.warning("kept answers: Redis does not answer", exc_info=True)
