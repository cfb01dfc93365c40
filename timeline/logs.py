"""Logs as JSON lines under gunicorn: one line per request (the access log, on standard output)
and one per log record (gunicorn's own and the application's, on standard error), each with
the request id. A line never holds a password, a token or a cookie: no header is logged but
the user agent, and a query parameter whose name says it is secret has its value replaced."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import sys
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from gunicorn import glogging

from timeline.web.request_ids import ENVIRON_KEY, RequestIdFilter

REDACTED = "[redacted]"
_SECRET_NAME = re.compile(r"token|passw|secret|session|auth|key|csrf|signature", re.IGNORECASE)


def redacted_query(query: str) -> str:
    """The query string with the value of each secret-named parameter replaced."""
    if not query:
        return ""
    pairs = parse_qsl(query, keep_blank_values=True)
    return urlencode([(k, REDACTED if _SECRET_NAME.search(k) else v) for k, v in pairs])


def redacted_url(url: str) -> str:
    """A URL (a Referer) with its secret query values replaced and any user:password dropped."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, host, parts.path, redacted_query(parts.query), ""))


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


def access_entry(environ: dict, status: str, sent: int | None, seconds: float) -> dict:
    """What the access log says of one request."""
    query = redacted_query(environ.get("QUERY_STRING", ""))
    return {
        "time": _now(),
        "request_id": environ.get(ENVIRON_KEY),
        # The client's address, once ProxyFix (TIMELINE_PROXY_HOPS) has read it from the proxy.
        "remote": environ.get("REMOTE_ADDR"),
        "method": environ.get("REQUEST_METHOD"),
        "path": environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", ""),
        "query": query,
        "status": int(str(status).split(None, 1)[0]),
        "bytes": sent,
        "ms": round(seconds * 1000, 1),
        "referrer": redacted_url(environ.get("HTTP_REFERER", "")),
        "user_agent": environ.get("HTTP_USER_AGENT", ""),
    }


class JsonFormatter(logging.Formatter):
    """A log record as one JSON object on one line."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": _now(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry)


class AccessLogger(glogging.Logger):
    """gunicorn's logger, writing JSON lines; the application's records go the same way."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        for handler in self.error_log.handlers:
            handler.setFormatter(JsonFormatter())
            handler.addFilter(RequestIdFilter())
        self._log_the_application()

    def _log_the_application(self) -> None:
        """Records of every other logger (the app's, SQLAlchemy's warnings) as JSON on standard
        error. With a handler in place, Flask adds no handler of its own to the app's logger."""
        root = logging.getLogger()
        for handler in [h for h in root.handlers if getattr(h, "_timeline", False)]:
            root.removeHandler(handler)  # a configuration reload runs setup again
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        handler.addFilter(RequestIdFilter())
        handler._timeline = True  # type: ignore[attr-defined]
        root.addHandler(handler)
        # Libraries say only what goes wrong; the app says what it notices too.
        root.setLevel(logging.WARNING)
        logging.getLogger("timeline").setLevel(logging.INFO)

    def access(self, resp, req, environ, request_time) -> None:
        if not self.cfg.accesslog:
            return
        seconds = request_time.total_seconds()
        entry = access_entry(environ, resp.status, getattr(resp, "sent", None), seconds)
        self.access_log.info(json.dumps(entry))
