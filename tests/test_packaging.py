"""The layout of DESIGN.md, dependencies in step, and CI running the README's commands."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _spec(requirement: str) -> str:
    return re.sub(r"\s", "", requirement[len(_name(requirement)) :]).replace("==", "=")


def test_layout_exists():
    for path in (
        "README.md",
        "environment.yml",
        "pyproject.toml",
        "nbgrader_config.py",
        "course",
        "notebooks",
        "solutions",
        "data",
        "src/worldlab",
        "tests",
        "benchmarks",
        ".ci/run",
        ".gitignore",
    ):
        assert (ROOT / path).exists(), f"{path} is missing"


def test_gitignore_keeps_grading_runtime_out():
    ignored = (ROOT / ".gitignore").read_text().splitlines()
    assert "/grading/" in ignored


def test_every_extra_is_part_of_dev():
    """`.[dev]` (the README's install, CI) holds every extra, so CI tests what they install."""
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]
    dev = {_name(r): _spec(r) for r in extras["dev"]}
    assert "classroom" in extras, "pyproject.toml has no classroom extra (README's classroom)"
    for extra, requirements in extras.items():
        for requirement in requirements:
            assert dev.get(_name(requirement)) == _spec(requirement), (
                f"{requirement!r} of the {extra} extra is not in dev with the same version"
            )


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = project["dependencies"] + project["optional-dependencies"]["dev"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = [
        d for d in env["dependencies"] if isinstance(d, str) and _name(d) not in ("python", "pip")
    ]
    assert {_name(r): _spec(r) for r in wanted} == {_name(d): _spec(d) for d in conda}, (
        "environment.yml and pyproject.toml list different packages or versions"
    )
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert pip_section == ["-e ."]


def _readme_block(title: str) -> list[str]:
    text = (ROOT / "README.md").read_text()
    match = re.search(rf"<!-- {title} -->\s*```bash\n(.*?)```", text, re.S)
    assert match, f"README.md has no '<!-- {title} -->' command block"
    return [line for line in match.group(1).splitlines() if line.strip()]


def test_ci_runs_the_readme_commands():
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    for title in ("install", "test"):
        for line in _readme_block(title):
            assert line in ci, f".ci/run does not run the README's {title} command {line!r}"


def _apt_installs(path: Path) -> list[str]:
    lines = (ROOT / path).read_text().splitlines()
    return [line.strip() for line in lines if re.search(r"apt-get install\b", line)]


def test_no_apt_line_can_take_other_packages_down():
    """Debian's npm conflicts with NodeSource's nodejs and apt then refuses its whole line: the
    README asks for it only where no npm exists, and .ci/run installs one package per line."""
    readme = _apt_installs(Path("README.md"))
    assert any("bubblewrap" in line for line in readme)
    for line in readme:
        if re.search(r"\bnpm\b", line):
            assert line.startswith("command -v npm || "), f"README: {line!r} may meet npm"
    ci = _apt_installs(Path(".ci/run"))
    assert ci, ".ci/run installs no system package"
    for line in ci:
        packages = line.split("apt-get install", 1)[1].split()
        assert len([p for p in packages if not p.startswith("-")]) == 1, (
            f".ci/run: {line!r} installs more than one package on a line"
        )


def test_the_slow_modules_exist():
    """The ``slow`` marker is given by path (tests/conftest.py): a moved module must not lose it
    silently."""
    from slow_modules import SLOW_MODULES

    for module in SLOW_MODULES:
        assert (ROOT / module).is_file(), f"tests/conftest.py SLOW_MODULES: no {module}"
