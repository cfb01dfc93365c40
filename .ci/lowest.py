"""Print pip constraints that pin each runtime dependency (and the postgres and serve extras)
to the lowest version pyproject.toml allows: `make test-lowest` installs with them."""

import re
import sys
import tomllib
from pathlib import Path

FLOOR = re.compile(r"(?P<name>[A-Za-z0-9_.-]+)(?:\[[^\]]*\])?\s*>=\s*(?P<version>[0-9][0-9.]*)")


def floors(pyproject: Path) -> list[str]:
    """`name==version` for every requirement; one without a `>=` floor is an error."""
    project = tomllib.loads(pyproject.read_text())["project"]
    extras = project["optional-dependencies"]
    requirements = project["dependencies"] + extras["postgres"] + extras["serve"]
    pins = []
    for requirement in requirements:
        match = FLOOR.fullmatch(requirement.strip())
        if match is None:
            sys.exit(f"{requirement!r} has no single >= floor to install")
        pins.append(f"{match['name']}=={match['version']}")
    return pins


if __name__ == "__main__":
    print("\n".join(floors(Path(__file__).resolve().parent.parent / "pyproject.toml")))
