"""The rules' bytecode bundle (rulebundle.py): used only when it matches the files, written
only where Python writes bytecode, never in the way."""

from __future__ import annotations

import importlib
import json
import os
import py_compile
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from dockerfile_dlint import rulebundle


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    """A package of three modules in a fresh folder, its bytecode under tmp_path/cache."""
    root = tmp_path / "src"
    (root / "bundled").mkdir(parents=True)
    (root / "bundled" / "__init__.py").write_text("")
    for name, value in (("one", 1), ("two", 2), ("three", 3)):
        (root / "bundled" / f"{name}.py").write_text(f"VALUE = {value}\n")
    monkeypatch.syspath_prepend(str(root))
    monkeypatch.setattr(sys, "pycache_prefix", str(tmp_path / "cache"))
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    imported = importlib.import_module("bundled")
    yield imported
    for name in [name for name in sys.modules if name.split(".")[0] == "bundled"]:
        del sys.modules[name]


def forget(package: ModuleType) -> None:
    for name in ("one", "two", "three"):
        sys.modules.pop(f"{package.__name__}.{name}", None)


def imports_refused(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make importing the package's modules the usual way fail, and list the attempts."""
    attempts: list[str] = []

    def refuse(name: str, package: str | None = None) -> ModuleType:
        attempts.append(name)
        raise AssertionError(f"{name} imported, not run from the bundle")

    monkeypatch.setattr(rulebundle.importlib, "import_module", refuse)
    return attempts


NAMES = ("one", "two", "three")


def test_the_first_load_writes_the_bundle_and_the_next_runs_from_it(
    package: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    modules = rulebundle.load_modules(package, NAMES)
    assert [module.VALUE for module in modules] == [1, 2, 3]
    bundle = Path(rulebundle.bundle_path(package.__path__[0]))
    assert bundle.is_file()
    forget(package)
    imports_refused(monkeypatch)
    again = rulebundle.load_modules(package, NAMES)
    assert [module.VALUE for module in again] == [1, 2, 3]
    assert again[0] is sys.modules["bundled.one"] and package.one is again[0]
    assert again[0].__file__ == os.path.join(package.__path__[0], "one.py")


def test_an_edited_module_is_imported_and_the_bundle_written_again(
    package: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    rulebundle.load_modules(package, NAMES)
    forget(package)
    (Path(package.__path__[0]) / "two.py").write_text("VALUE = 22  # edited\n")
    assert [module.VALUE for module in rulebundle.load_modules(package, NAMES)] == [1, 22, 3]
    forget(package)
    imports_refused(monkeypatch)  # the bundle was written again, with the edit
    assert [module.VALUE for module in rulebundle.load_modules(package, NAMES)] == [1, 22, 3]


def test_pip_compiled_bytecode_of_the_placeholder_is_not_taken_for_a_bundle(
    package: ModuleType,
) -> None:
    placeholder = Path(package.__path__[0]) / rulebundle.PLACEHOLDER
    placeholder.write_text('"""placeholder"""\n')
    py_compile.compile(str(placeholder), cfile=rulebundle.bundle_path(package.__path__[0]))
    assert [module.VALUE for module in rulebundle.load_modules(package, NAMES)] == [1, 2, 3]
    forget(package)
    written = Path(rulebundle.bundle_path(package.__path__[0])).read_bytes()
    assert written.startswith(importlib.util.MAGIC_NUMBER + rulebundle.MARKER)


def test_a_module_added_is_not_missed(package: ModuleType) -> None:
    rulebundle.load_modules(package, NAMES)
    forget(package)
    (Path(package.__path__[0]) / "four.py").write_text("VALUE = 4\n")
    modules = rulebundle.load_modules(package, (*NAMES, "four"))
    assert [module.VALUE for module in modules] == [1, 2, 3, 4]


@pytest.mark.parametrize(
    "damage",
    [b"", b"garbage", importlib.util.MAGIC_NUMBER + b"\x00\x01", b"\x00\x00\r\n" + b"x" * 40],
)
def test_a_damaged_bundle_is_not_used(package: ModuleType, damage: bytes) -> None:
    rulebundle.load_modules(package, NAMES)
    forget(package)
    Path(rulebundle.bundle_path(package.__path__[0])).write_bytes(damage)
    assert [module.VALUE for module in rulebundle.load_modules(package, NAMES)] == [1, 2, 3]


def test_no_bundle_is_written_when_python_writes_no_bytecode(
    package: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    assert [module.VALUE for module in rulebundle.load_modules(package, NAMES)] == [1, 2, 3]
    assert not Path(rulebundle.bundle_path(package.__path__[0])).exists()


def test_a_bundle_that_cannot_be_written_leaves_nothing(
    package: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache folder would be")
    monkeypatch.setattr(sys, "pycache_prefix", str(blocked))
    assert [module.VALUE for module in rulebundle.load_modules(package, NAMES)] == [1, 2, 3]
    assert blocked.read_text() == "a file where the cache folder would be"


def test_a_failing_module_is_not_left_half_imported(
    package: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    rulebundle.load_modules(package, NAMES)
    forget(package)
    codes = {name: compile("VALUE = 1 // 0\n", name, "exec") for name in NAMES}
    monkeypatch.setattr(rulebundle, "_read", lambda path, stamps: codes)
    with pytest.raises(ZeroDivisionError):
        rulebundle.load_modules(package, NAMES)
    assert "bundled.one" not in sys.modules


# The deployment guide's failures: a third-party apt repository, the CLI installed with
# --user off PATH, prisma generate at start-up.
GUIDE_FAILURES = """\
FROM python:3.11-slim AS build
RUN curl -fsSL https://deb.nodesource.com/setup_18.x | bash - && apt-get install -y nodejs
RUN pip install --user prisma
FROM python:3.11-slim
COPY --from=build /root/.local /root/.local
CMD prisma generate && python -m app
"""

# dlint check in a process that says whether the rules came from the bundle.
CHECK = """
import sys
from dockerfile_dlint import rulebundle
read = rulebundle._read
used = []
rulebundle._read = lambda path, stamps: used.append(read(path, stamps)) or used[-1]
sys.argv = ["dlint", "check", "--no-config", "--shellcheck", "off", "--select", "ALL",
            "--format", "json", sys.argv[1]]
from dockerfile_dlint.entry import main
try:
    main()
finally:
    print("from the bundle:", bool(used and used[0]), file=sys.stderr)
"""


def test_dlint_check_finds_the_same_from_the_bundle(tmp_path: Path) -> None:
    """Every rule, run from the bundle, finds what the rules imported the usual way find."""
    environment = {**os.environ, "PYTHONPYCACHEPREFIX": str(tmp_path / "cache")}
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(GUIDE_FAILURES)
    command = [sys.executable, "-c", CHECK, str(dockerfile)]
    first, second = (
        subprocess.run(command, capture_output=True, text=True, env=environment) for _ in range(2)
    )
    assert "from the bundle: False" in first.stderr
    assert "from the bundle: True" in second.stderr
    assert len(list((tmp_path / "cache").rglob("_bundle.*.pyc"))) == 1
    assert first.returncode == second.returncode == 1
    assert first.stdout == second.stdout
    found = {finding["code"] for finding in json.loads(second.stdout)}
    assert {"DL3008", "DP001", "DP003", "DP004"} <= found
