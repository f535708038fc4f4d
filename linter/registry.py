"""Find the rules: every ``Rule`` subclass in the modules of ``dockerfile_dlint.rules``.

Rules are discovered, never listed by hand, so adding a rule is adding one module. The
registry also checks each rule's metadata, so a malformed rule fails the catalogue test
instead of misbehaving in a user's CI.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from functools import cache

from .api import Level, Rule
from .patterns import lazy
from .rulebundle import load_modules

CODE = lazy(r"[A-Z]{2}[0-9]{3,4}")
NAME = lazy(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")
DOC_SECTIONS = ("## What it does", "## Why is this bad?", "## Example", "## Use instead")


class RegistryError(Exception):
    """Two rules share a code or a name."""


@cache
def all_rules() -> tuple[type[Rule], ...]:
    """Every rule, sorted by code."""
    from . import rules as package

    found: dict[str, type[Rule]] = {}
    names: dict[str, str] = {}
    for module in load_modules(package, module_names(package.__path__)):
        for value in vars(module).values():
            if not (isinstance(value, type) and issubclass(value, Rule) and value is not Rule):
                continue
            if value.__module__ != module.__name__:
                continue
            if value.code in found:
                raise RegistryError(f"two rules use the code {value.code}")
            if value.name in names:
                raise RegistryError(f"rules {names[value.name]} and {value.code} share a name")
            found[value.code] = value
            names[value.name] = value.code
    return tuple(found[code] for code in sorted(found))


def module_names(directories: Iterable[str]) -> list[str]:
    """The modules (``*.py`` files) in the rules package's directories, sorted. (Not
    ``pkgutil.iter_modules``: it imports ``inspect``, a tenth of a ``dlint check``'s start.)"""
    names = set()
    for directory in directories:
        for entry in os.listdir(directory):
            stem, _, suffix = entry.partition(".")
            if suffix == "py" and stem.isidentifier() and not stem.startswith("_"):
                names.add(stem)
    return sorted(names)


def rule_problems(rule: type[Rule]) -> list[str]:
    """What is wrong with a rule's metadata or documentation (empty when nothing)."""
    problems = []
    if not CODE.fullmatch(rule.code):
        problems.append(f"code {rule.code!r} is not two capitals and three or four digits")
    if not NAME.fullmatch(rule.name):
        problems.append(f"name {rule.name!r} is not kebab-case")
    if not isinstance(rule.level, Level):
        problems.append("level is not a Level")
    doc = rule.__doc__ or ""
    problems.extend(
        f"docstring lacks {section!r}" for section in DOC_SECTIONS if section not in doc
    )
    return problems


def summary(rule: type[Rule]) -> str:
    """The first line of a rule's documentation."""
    return (rule.__doc__ or "").strip().splitlines()[0] if rule.__doc__ else rule.name
