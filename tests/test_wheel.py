"""The wheel carries what the app needs: built, then installed into a fresh environment away
from the checkout, it migrates, seeds and serves a page from its own files."""

import json
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

from timeline.config import PROJECT_ROOT

SOURCES = ("pyproject.toml", "README.md", "timeline", "templates", "migrations", "seeds")

# Run inside the installed environment: where each folder was found, and one page.
SERVE = """
import json
import timeline
app = timeline.create_app()
page = app.test_client().get("/events/writers-guild-of-america-strike")
print(json.dumps({
    "package": timeline.__file__,
    "templates": app.template_folder,
    "migrations": app.extensions["migrate"].directory,
    "seeds": app.config["SEEDS_DIR"],
    "status": page.status_code,
    "page": page.get_data(as_text=True),
}))
"""


def run(*args, **options) -> str:
    done = subprocess.run(args, capture_output=True, text=True, timeout=300, **options)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def build_wheel(tmp_path: Path) -> Path:
    """Build from a copy of the sources, so the build leaves nothing in the checkout."""
    source = tmp_path / "source"
    source.mkdir()
    for name in SOURCES:
        if (PROJECT_ROOT / name).is_dir():
            ignore = shutil.ignore_patterns("__pycache__")
            shutil.copytree(PROJECT_ROOT / name, source / name, ignore=ignore)
        else:
            shutil.copy(PROJECT_ROOT / name, source / name)
    dist = tmp_path / "dist"
    pip = (sys.executable, "-m", "pip", "--quiet")
    run(*pip, "wheel", "--no-deps", "--no-build-isolation", "--wheel-dir", dist, source)
    (wheel,) = dist.glob("timeline-*.whl")
    return wheel


def install(wheel: Path, env_dir: Path) -> Path:
    """A new environment with the wheel alone in its site-packages; the dependencies are this
    environment's, listed after it by a .pth file (no index needed)."""
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    run(sys.executable, "-m", "pip", "--quiet", "--python", python, "install", "--no-deps", wheel)
    site = Path(sysconfig.get_path("purelib", vars={"base": env_dir, "platbase": env_dir}))
    ours = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
    (site / "zz_dependencies.pth").write_text("\n".join(sorted(ours)) + "\n")
    return site


def modules(root: Path) -> set[str]:
    return {str(path.relative_to(root)) for path in root.rglob("*.py")}


def test_an_installed_wheel_migrates_seeds_and_serves_a_page(tmp_path):
    env_dir = tmp_path / "env"
    site = install(build_wheel(tmp_path), env_dir)
    assert modules(PROJECT_ROOT / "timeline") <= modules(site / "timeline"), "a package is missing"

    python = str(env_dir / "bin" / "python")
    database = f"sqlite:///{tmp_path / 'wheel.sqlite3'}"
    env = {"TIMELINE_DATABASE_URL": database, "TIMELINE_SECRET_KEY": "wheel-test-key"}
    flask = (python, "-m", "flask", "--app", "timeline")
    run(*flask, "db", "upgrade", env=env, cwd=tmp_path)
    assert "created" in run(*flask, "seed", env=env, cwd=tmp_path)
    served = json.loads(run(python, "-c", SERVE, env=env, cwd=tmp_path))

    for folder in ("package", "templates", "migrations", "seeds"):
        assert Path(served[folder]).is_relative_to(site / "timeline"), served[folder]
    assert served["status"] == 200
    assert "<h1>Writers Guild of America strike</h1>" in served["page"]
