"""What bench/diverse_load.py prints: the numbers per target, the targets of issue 14 met or
not, and which recorded answers differ between two runs (--compare)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from api_load import Load
from synthetic import COMMON_WORD

# Issue 14's targets: ours at 3 times Datasette's requests per second or more and 90% of the
# bare endpoint's, a p99 under 30 ms at a million events (on PostgreSQL: 90% of bare); the
# timeline page's p50 under 50 ms and p99 under 150 ms at 100,000 events.
OVER_DATASETTE, OF_BARE = 3.0, 0.9
P99_LIMIT_MS, P99_AT = 30.0, 1_000_000
PAGE_P50_MS, PAGE_P99_MS, PAGE_AT = 50.0, 150.0, 100_000
SHOWN_DIFFERENCES = 20


@dataclass(slots=True)
class Outcome:
    """A target's load run: wrk's numbers, how many paths it rotated through, the cores other
    processes took meanwhile, the 1-minute load average after it, its workers' RSS in MB, the
    cores PostgreSQL's backends took for it, how many checked URLs Datasette refused for its
    time limit, and `/` alone (the page only)."""

    load: Load
    paths: int
    others: float
    load_average: float
    rss: list[float]
    backends: float = 0.0
    refused: int = 0
    alone: dict[str, float] = field(default_factory=dict)

    def summary(self) -> str:
        load = self.load
        return (f"{load.rps:,.0f} requests/s, p50 {load.p50:.1f} ms, p99 {load.p99:.1f} ms, "
                f"{load.errors} errors, {self.paths:,} URLs; load average "
                f"{self.load_average:.2f}, PostgreSQL took {self.backends:.2f} cores, others "
                f"{self.others:.2f}; workers' RSS {self.rss_text()} MB")  # fmt: skip

    def rss_text(self) -> str:
        return ", ".join(f"{rss:.0f}" for rss in self.rss)


def verdict(value: float, met: bool) -> str:
    return f"{value:.2f}x {'met' if met else 'not met'}"


def ratios(db, found: dict[str, Outcome], mine: str) -> list[str]:
    """Ours against Datasette and bare, and its p99, each judged where the issue sets it."""
    ours = found[mine].load
    cells = []
    for name, floor in (("datasette", OVER_DATASETTE), ("bare", OF_BARE)):
        ratio = ours.rps / found[name].load.rps if name in found else None
        cells.append("" if ratio is None else verdict(ratio, ratio >= floor))
    judged = db.kind == "sqlite" and db.size >= P99_AT
    met = "met" if ours.p99 < P99_LIMIT_MS else "not met"
    cells.append(f"{ours.p99:.1f} ms" + f" {met}" * judged)
    return cells


def print_results(results: dict, args) -> None:
    print(f"\nwrk: 1 thread, {args.connections} connections, {args.duration} s per target, "
          f"best of {args.rounds} round(s); load average: 1 minute, after each run\n")  # fmt: skip
    print("| database | events | target | URLs | requests/s | p50 ms | p99 ms | errors | "
          "load avg | PostgreSQL cores | others' cores | workers' RSS MB |")  # fmt: skip
    print("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for db, found in results.items():
        for name, o in found.items():
            print(f"| {db.kind} | {db.size:,} | {name} | {o.paths:,} | {o.load.rps:,.0f} | "
                  f"{o.load.p50:.1f} | {o.load.p99:.1f} | {o.load.errors} | "
                  f"{o.load_average:.2f} | {o.backends:.2f} | {o.others:.2f} | "
                  f"{o.rss_text()} |")  # fmt: skip
    for db, found in results.items():
        if found.get("datasette") and found["datasette"].refused:
            print(f"\n{db.name}: Datasette refused {found['datasette'].refused} of the checked "
                  "URLs for its time limit (1 s as shipped)")  # fmt: skip
    print_targets(results)
    print_page(results)


def print_targets(results: dict) -> None:
    if not any(mine in found for found in results.values() for mine in ("ours-no-kept", "ours")):
        return
    print(f"\n| database | events | ours | / Datasette (>= {OVER_DATASETTE:g}x) | "
          f"/ bare (>= {OF_BARE:g}x) | p99 (< {P99_LIMIT_MS:g} ms at {P99_AT:,}, SQLite) | "
          "load avg |")  # fmt: skip
    print("|---|---:|---|---|---|---|---:|")
    for db, found in results.items():
        for mine in ("ours-no-kept", "ours"):
            if mine in found:
                cells = " | ".join(ratios(db, found, mine))
                print(f"| {db.kind} | {db.size:,} | {mine} | {cells} | "
                      f"{found[mine].load_average:.2f} |")  # fmt: skip


def print_page(results: dict) -> None:
    """The timeline page under load, and `/` alone, with its targets at PAGE_AT events."""
    rows = [(db, found["page"]) for db, found in results.items() if "page" in found]
    if not rows:
        return
    print(f"\nThe timeline page `/` (ours keeping no answers): p50 < {PAGE_P50_MS:g} ms and "
          f"p99 < {PAGE_P99_MS:g} ms at {PAGE_AT:,} events; alone: median ms of sequential "
          "requests\n")  # fmt: skip
    print(f"| database | events | URLs | requests/s | p50 ms | p99 ms | errors | target | "
          f"`/` alone | `/?q={COMMON_WORD}` alone | load avg | workers' RSS MB |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---|")
    for db, o in rows:
        met = o.load.p50 < PAGE_P50_MS and o.load.p99 < PAGE_P99_MS
        judged = ("met" if met else "not met") if db.size == PAGE_AT else ""
        unfiltered, common = (o.alone.get(p, float("nan")) for p in ("/", f"/?q={COMMON_WORD}"))
        print(f"| {db.kind} | {db.size:,} | {o.paths:,} | {o.load.rps:,.0f} | {o.load.p50:.1f} "
              f"| {o.load.p99:.1f} | {o.load.errors} | {judged} | {unfiltered:.1f} | "
              f"{common:.1f} | {o.load_average:.2f} | {o.rss_text()} |")  # fmt: skip


# --- recorded answers ---------------------------------------------------------------------


def difference(a: dict, b: dict) -> str:
    """Where two answers part: their fields, their number of events, the first event that
    differs and in which fields, or the next link."""
    if a.keys() != b.keys():
        return f"fields {sorted(a)} against {sorted(b)}"
    if len(a["events"]) != len(b["events"]):
        return f"{len(a['events'])} events against {len(b['events'])}"
    for i, (x, y) in enumerate(zip(a["events"], b["events"], strict=True)):
        if x != y:
            fields = sorted(k for k in x.keys() | y.keys() if x.get(k) != y.get(k))
            return f"event {i + 1} ({x.get('slug')}) differs in {', '.join(fields)}"
    return "the next link" if a.get("next") != b.get("next") else "elsewhere"


def compare(first: Path, second: Path) -> int:
    """Print which answers differ between two --record files: 0 when none does, 1 otherwise."""
    a, b = json.loads(first.read_text()), json.loads(second.read_text())
    differ, shown = 0, 0
    for name in sorted(a.keys() | b.keys()):
        if name not in a or name not in b:
            print(f"{name}: recorded in one file only")
            differ += 1
            continue
        if len(a[name]) != len(b[name]):
            print(f"{name}: {len(a[name])} answers against {len(b[name])}")
        for (path, one), (other_path, other) in zip(a[name], b[name], strict=False):
            if path == other_path and one == other:
                continue
            differ += 1
            shown += 1
            if shown <= SHOWN_DIFFERENCES:
                where = difference(one, other) if path == other_path else f"asked {other_path}"
                print(f"{name}: {path}: {where}")
    total = sum(map(len, a.values()))
    print(f"{differ} of {total:,} answers differ" if differ else f"all {total:,} answers agree")
    return 1 if differ else 0
