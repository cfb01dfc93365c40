"""Real gunicorn servers for tests, started as `make serve` starts one (the production settings
in timeline/gunicorn_conf.py) on a free port, each over a database made for it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests
from flask_migrate import upgrade

from tests.conftest import PASSWORD, make_app
from timeline.db import db
from timeline.domain import UserRole
from timeline.services.accounts import tokens, users

GUNICORN = Path(sys.executable).parent / "gunicorn"
SECRET_KEY = "one-key-for-every-instance"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def migrated_with_admin(url: str, instance: Path) -> str:
    """Migrate the database at `url` and add the admin `ada` (PASSWORD); her API token's secret."""
    app = make_app(url, instance)
    with app.app_context():
        upgrade()
        admin = users.create_user(db.session, "ada", PASSWORD, UserRole.ADMIN)
        db.session.flush()
        _, secret = tokens.create(db.session, admin, "tests")
        db.session.commit()
        db.engine.dispose()
    return secret


@dataclass
class Server:
    """One gunicorn, its standard output (the access log) and error (every other log) in files."""

    process: subprocess.Popen
    url: str
    out: Path
    err: Path

    def stop(self) -> tuple[str, str]:
        """Stop it as an operator would (SIGTERM, requests finish) and return its two logs."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=60)
        return self.out.read_text(), self.err.read_text()


def start(folder: Path, name: str, **settings: str) -> Server:
    """gunicorn with the TIMELINE_* `settings`, answering /healthz, or an error with its log."""
    port = free_port()
    out, err = folder / f"{name}.out", folder / f"{name}.err"
    env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(port), "TIMELINE_SECRET_KEY": SECRET_KEY,
           "TIMELINE_WORKERS": "2", "TIMELINE_THREADS": "2"}  # fmt: skip
    env |= {f"TIMELINE_{key}": value for key, value in settings.items()}
    command = [str(GUNICORN), "-c", "python:timeline.gunicorn_conf", "timeline:create_app()"]
    with out.open("w") as stdout, err.open("w") as stderr:
        process = subprocess.Popen(command, env=env, stdout=stdout, stderr=stderr)
    server = Server(process, f"http://127.0.0.1:{port}", out, err)
    _wait_until_up(server)
    return server


def _wait_until_up(server: Server, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise AssertionError(f"gunicorn stopped at start:\n{server.err.read_text()}")
        try:
            if requests.get(server.url + "/healthz", timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    server.stop()
    raise AssertionError(f"gunicorn did not answer in {seconds} s:\n{server.err.read_text()}")
