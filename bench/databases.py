"""An empty database for a benchmark run: the PostgreSQL database named by --url with its
schema dropped, or a new SQLite file in the benchmark's folder."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, text

from timeline.config import database_url


def emptied(url: str | None, folder: Path, name: str) -> str:
    """The URL of a database holding nothing: `url` emptied (every run starts alike, so runs
    compare), or `folder/name.sqlite3` made anew, its WAL and journal files gone too."""
    if url:
        engine = create_engine(database_url(url))
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
        return url
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob(f"{name}.sqlite3*"):
        stale.unlink()
    return f"sqlite:///{(folder / f'{name}.sqlite3').resolve()}"
