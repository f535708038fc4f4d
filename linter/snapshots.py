"""ENV and ARG values as each instruction sees them, without a copy per instruction.

The model keeps the variables in effect before every instruction. A copy of them for each would
cost time and memory quadratic in the number of ENV or ARG lines (16,000 ENV lines took
3.7 GB). Instead, a line of stages records each assignment once, in a ``_History``: for each
name, the numbers of the changes that set it and the values they set. A ``Snapshot`` is that
history as it was after one change: a read-only mapping whose lookup takes the name's last
value set by then. Setting names gives a new snapshot and leaves the old one as it was.

A snapshot updated after a later one was made from it (a second stage built on the same stage)
starts a history of its own on top of it, so that each history stays one line of changes.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping, Set
from typing import Generic, TypeVar, overload

V = TypeVar("V")
D = TypeVar("D")
T = TypeVar("T")


class _History(Generic[V]):
    """Assignments in the order they were made: name -> (change numbers, values)."""

    __slots__ = ("assignments", "base", "changes")

    def __init__(self, base: Snapshot[V] | None) -> None:
        self.assignments: dict[str, tuple[list[int], list[V]]] = {}
        self.changes = 0
        self.base = base  # what names not assigned here have, or None


class Snapshot(Mapping[str, V]):
    """Names and values as they were after one change of a history (read-only)."""

    __slots__ = ("_change", "_history")

    def __init__(self, history: _History[V], change: int) -> None:
        self._history = history
        self._change = change

    @classmethod
    def empty(cls) -> Snapshot[V]:
        return cls(_History(None), 0)

    def updated(self, assignments: Iterable[tuple[str, V]]) -> Snapshot[V]:
        """This snapshot with ``assignments`` made (in order; a later one for a name wins)."""
        pairs = list(assignments)
        if not pairs:
            return self
        history = self._history
        if history.changes != self._change:  # a later change of its history was made from it
            history = _History(self if self else None)
        change = history.changes + 1
        history.changes = change
        recorded = history.assignments
        for name, value in pairs:
            entry = recorded.get(name)
            if entry is None:
                recorded[name] = ([change], [value])
            elif entry[0][-1] == change:
                entry[1][-1] = value
            else:
                entry[0].append(change)
                entry[1].append(value)
        return Snapshot(history, change)

    @overload
    def get(self, name: str, /) -> V | None: ...

    @overload
    def get(self, name: str, /, default: V | D) -> V | D: ...

    def get(self, name: str, default: object = None) -> object:
        snapshot: Snapshot[V] | None = self
        while snapshot is not None:
            history = snapshot._history
            entry = history.assignments.get(name)
            if entry is not None:
                changes, values = entry
                change = snapshot._change
                if changes[-1] <= change:
                    return values[-1]
                if changes[0] <= change:
                    return values[bisect_right(changes, change) - 1]
            snapshot = history.base
        return default

    def __getitem__(self, name: str) -> V:
        value = self.get(name, _MISSING)
        if value is _MISSING:
            raise KeyError(name)
        return value  # type: ignore[return-value]  # not _MISSING: a V

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.get(name, _MISSING) is not _MISSING

    def __iter__(self) -> Iterator[str]:
        """Names in the order they were first set, as a dict copied and updated keeps them."""
        chain: list[Snapshot[V]] = []
        snapshot: Snapshot[V] | None = self
        while snapshot is not None:
            chain.append(snapshot)
            snapshot = snapshot._history.base
        names: dict[str, None] = {}
        for snapshot in reversed(chain):
            change = snapshot._change
            for name, (changes, _) in snapshot._history.assignments.items():
                if changes[0] <= change:
                    names.setdefault(name, None)
        return iter(names)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __bool__(self) -> bool:
        # Every change sets a name, and a history starts on a base only when it is not empty.
        return self._change > 0 or self._history.base is not None

    def __repr__(self) -> str:
        return f"Snapshot({dict(self.items())!r})"


class FlaggedNames(Set[str]):
    """The names a snapshot of flags sets True (ENV values only partly known, say), with
    their number kept as they change so that ``len`` and ``bool`` take no walk."""

    __slots__ = ("_count", "_flags")

    def __init__(self, flags: Snapshot[bool] | None = None, count: int = 0) -> None:
        self._flags: Snapshot[bool] = Snapshot.empty() if flags is None else flags
        self._count = count

    def updated(self, flags: Mapping[str, bool]) -> FlaggedNames:
        """These names flagged (True) or not (False) from now on."""
        count = self._count
        for name, flagged in flags.items():
            count += flagged - self._flags.get(name, False)
        return FlaggedNames(self._flags.updated(flags.items()), count)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self._flags.get(name, False)

    def __iter__(self) -> Iterator[str]:
        return (name for name, flagged in self._flags.items() if flagged)

    def __len__(self) -> int:
        return self._count

    @classmethod
    def _from_iterable(cls, items: Iterable[T]) -> frozenset[T]:
        return frozenset(items)  # what set operations (``a | b``) give

    def __repr__(self) -> str:
        return f"FlaggedNames({sorted(self)!r})"


class Variables(Mapping[str, "str | None"]):
    """What ``$NAME`` means at an instruction: ENV, else the build argument; None for a name
    in ``unknown`` (its value is only partly known). A view: nothing is copied."""

    __slots__ = ("_args", "_env", "_unknown")

    def __init__(
        self,
        args: Mapping[str, str | None],
        env: Mapping[str, str],
        unknown: Set[str] = frozenset(),
    ) -> None:
        self._args = args
        self._env = env
        self._unknown = unknown

    @overload
    def get(self, name: str, /) -> str | None: ...

    @overload
    def get(self, name: str, /, default: str | D | None) -> str | D | None: ...

    def get(self, name: str, default: object = None) -> object:
        if name in self._unknown:
            return None
        value = self._env.get(name)
        if value is not None:
            return value
        return self._args.get(name, default)

    def __getitem__(self, name: str) -> str | None:
        value = self.get(name, _MISSING)
        if value is _MISSING:
            raise KeyError(name)
        return value  # type: ignore[return-value]  # not _MISSING: a str or None

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and (name in self._env or name in self._args)

    def __iter__(self) -> Iterator[str]:
        """Build arguments first, then ENV names that are not one, as a merged dict has them."""
        yield from self._args
        args = self._args
        yield from (name for name in self._env if name not in args)

    def __len__(self) -> int:
        return sum(1 for _ in self)


_MISSING = object()
