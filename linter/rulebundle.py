"""The rules' bytecode in one file, so that a start of ``dlint check`` reads one file, not 116.

Importing a module costs more than running its code: the import system looks the module up,
checks its source's time and size, opens and reads its cached bytecode, and builds a module
object, about as long again as the module takes to run. With one module per rule, that is a
sixth of ``dlint check``'s start on one file. So the rules' compiled code is also kept together,
in one file in Python's own bytecode cache (``__pycache__`` of the rules package, or under
``PYTHONPYCACHEPREFIX``), written when Python itself may write bytecode.

The bundle is as safe as Python's own cache: it records the interpreter's bytecode version
and each rule file's name, modification time and size, and is used only when all of them
match the files there now. Otherwise (a rule added, edited or removed, another Python, an
unreadable or damaged bundle) the rules are imported as usual, and the bundle written again.
Writing it is never required: a read-only install, or ``PYTHONDONTWRITEBYTECODE``, simply
imports the rules as usual every time.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import marshal
import os
import sys
from collections.abc import Sequence
from types import CodeType, ModuleType

# Bumped when the layout of the bundle changes.
FORMAT = 1
# What the bundle starts with after the interpreter's bytecode version (a real .pyc that
# pip compiled for the placeholder has flags there, and is not taken for a bundle).
MARKER = b"dlint-rules\0"
PLACEHOLDER = "_bundle.py"
# A module's file and its state: (name, modification time in ns, size).
Stamp = tuple[str, int, int]


def load_modules(package: ModuleType, names: Sequence[str]) -> list[ModuleType]:
    """The modules ``package.<name>`` for ``names``: those imported already, the others run
    from the bundle when it matches the files, else imported (and the bundle written)."""
    directory = package.__path__[0]
    missing = [name for name in names if f"{package.__name__}.{name}" not in sys.modules]
    if missing:
        stamps = _stamps(directory, names)
        codes = _read(bundle_path(directory), stamps) if stamps is not None else None
        if codes is not None:
            for name in missing:
                _run(package, name, os.path.join(directory, f"{name}.py"), codes[name])
        else:
            for name in missing:
                importlib.import_module(f"{package.__name__}.{name}")
            if stamps is not None and not sys.dont_write_bytecode:
                _write(package, names, stamps)
    return [sys.modules[f"{package.__name__}.{name}"] for name in names]


def bundle_path(directory: str) -> str:
    """Where the bundle of the package in ``directory`` lives: where Python would cache the
    bytecode of its ``_bundle.py``, a module nobody imports. ``pip uninstall`` removes the
    cached bytecode of every module it installed, so the bundle goes with the package."""
    return importlib.util.cache_from_source(os.path.join(directory, PLACEHOLDER))


def _stamps(directory: str, names: Sequence[str]) -> list[Stamp] | None:
    stamps = []
    for name in names:
        try:
            info = os.stat(os.path.join(directory, f"{name}.py"))
        except OSError:
            return None
        stamps.append((name, info.st_mtime_ns, info.st_size))
    return stamps


def _read(path: str, stamps: list[Stamp]) -> dict[str, CodeType] | None:
    """The code of each module, if the bundle at ``path`` was made from these very files."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
        header = importlib.util.MAGIC_NUMBER + MARKER
        if not data.startswith(header):
            return None
        content = marshal.loads(memoryview(data)[len(header) :])
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if not (isinstance(content, tuple) and len(content) == 3 and content[0] == FORMAT):
        return None
    _, recorded, codes = content
    if recorded != tuple(stamps) or not isinstance(codes, dict):
        return None
    if not all(isinstance(codes.get(stamp[0]), CodeType) for stamp in stamps):
        return None
    return codes


def _run(package: ModuleType, name: str, path: str, code: CodeType) -> None:
    """Run a module's code as an import would: registered first, forgotten if it fails."""
    fullname = f"{package.__name__}.{name}"
    spec = importlib.util.spec_from_file_location(fullname, path)
    assert spec is not None, path
    module = importlib.util.module_from_spec(spec)
    sys.modules[fullname] = module
    try:
        exec(code, module.__dict__)
    except BaseException:
        del sys.modules[fullname]
        raise
    setattr(package, name, module)


def _write(package: ModuleType, names: Sequence[str], stamps: list[Stamp]) -> None:
    """Write the bundle from the modules' compiled code; any failure leaves no file."""
    codes = {}
    for name in names:
        module = sys.modules[f"{package.__name__}.{name}"]
        loader = getattr(module.__spec__, "loader", None)
        get_code = getattr(loader, "get_code", None)
        code = get_code(module.__name__) if get_code is not None else None
        if not isinstance(code, CodeType):
            return
        codes[name] = code
    path = bundle_path(package.__path__[0])
    temporary = f"{path}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(temporary, "wb") as handle:
            handle.write(importlib.util.MAGIC_NUMBER + MARKER)
            marshal.dump((FORMAT, tuple(stamps), codes), handle)
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
