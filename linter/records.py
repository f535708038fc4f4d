"""Small classes of named fields, without the cost of making the class.

``dataclasses`` and ``typing.NamedTuple`` write each class's methods as source text and compile
it when their module is imported: about a millisecond a dataclass here, paid at every start of
``dlint check``, where a pre-commit hook feels it (and ``dataclasses`` imports ``inspect``,
which imports ``ast``, ``dis`` and ``tokenize``). The engine's few classes that are records
write their ``__init__`` by hand and take the rest from :class:`Record`: a ``repr`` and
:meth:`Record.replace` that read the fields from ``_fields``; a :class:`Value` also compares
and hashes by its fields, as a frozen dataclass does.
"""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

R = TypeVar("R", bound="Record")


class Record:
    """Fields named in ``_fields`` (each set by ``__init__``); equality stays identity unless
    the class defines it."""

    __slots__ = ()
    _fields: ClassVar[tuple[str, ...]] = ()

    def replace(self: R, **changes: Any) -> R:
        """A copy with ``changes`` made (as ``dataclasses.replace``)."""
        values = {name: getattr(self, name) for name in self._fields}
        values.update(changes)
        return type(self)(**values)

    def field_values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self._fields)

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__name__}({shown})"


class Value(Record):
    """A record equal to another of its class with equal fields (read-only by convention)."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self.field_values() == other.field_values()

    def __hash__(self) -> int:
        return hash(self.field_values())
