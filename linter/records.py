"""Small classes of named fields, without the cost of making the class.

``dataclasses`` and ``typing.NamedTuple`` write each class's methods as source text and compile
it when their module is imported: about a millisecond a dataclass here, and a fifth of one a
named tuple (``typing`` also compiles each field's annotation when it is a string), paid at
every start of ``dlint check``, where a pre-commit hook feels it (and ``dataclasses`` imports
``inspect``, which imports ``ast``, ``dis`` and ``tokenize``).

- The engine's few classes that are records write their ``__init__`` by hand and take the rest
  from :class:`Record`: a ``repr`` and :meth:`Record.replace` that read the fields from
  ``_fields``; a :class:`Value` also compares and hashes by its fields, as a frozen dataclass
  does.
- Named tuples subclass this module's :class:`NamedTuple`, which type checkers read as
  ``typing.NamedTuple`` and which makes the same classes (tuple subclasses with ``_fields``,
  ``_field_defaults``, ``_replace``, ``_asdict``, ``_make``, a ``repr``, pickling) at a
  twentieth of the cost: one shared ``__new__`` takes the positional calls, and a class writes
  its keyword-taking constructor only when it is first called with keywords.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

try:
    from collections import _tuplegetter  # type: ignore[attr-defined]  # CPython's accessor
except ImportError:  # pragma: no cover - other interpreters
    from operator import itemgetter

    def _tuplegetter(index: int, doc: str | None) -> Any:
        return property(itemgetter(index), doc=doc)


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


if TYPE_CHECKING:
    from typing import NamedTuple as NamedTuple
else:

    class _NamedTupleType(type):
        """Makes ``class Point(NamedTuple): x: int; y: int = 0`` a tuple with named fields."""

        def __new__(mcls, name, bases, namespace, **keywords):
            if bases == (tuple,) or NamedTuple not in bases:
                # NamedTuple itself, or a subclass of a named tuple: an ordinary class.
                return super().__new__(mcls, name, bases, namespace, **keywords)
            if len(bases) > 1:
                raise TypeError(f"{name}: a NamedTuple has no other base")
            annotations = namespace.get("__annotations__")
            if annotations is None and "__annotate__" in namespace:
                raise TypeError(
                    f"{name}: a NamedTuple needs `from __future__ import annotations` in its module"
                )
            fields = tuple(annotations or ())
            defaults = {}
            for field in fields:
                if field.startswith("_"):
                    raise ValueError(f"{name}: field names cannot start with '_': {field!r}")
                if field in namespace:
                    defaults[field] = namespace.pop(field)
                elif defaults:
                    raise TypeError(
                        f"{name}: non-default field {field!r} follows a field with a default"
                    )
            namespace.update(
                __slots__=(),
                _fields=fields,
                _field_defaults=defaults,
                __match_args__=fields,
            )
            for index, field in enumerate(fields):
                namespace[field] = _tuplegetter(index, f"Alias for field number {index}")
            return super().__new__(mcls, name, bases, namespace, **keywords)

    _new_tuple = tuple.__new__

    class NamedTuple(tuple, metaclass=_NamedTupleType):
        """Base of the named tuples (see the module's notes); ``typing.NamedTuple`` to type
        checkers."""

        __slots__ = ()
        _fields: ClassVar[tuple[str, ...]] = ()
        _field_defaults: ClassVar[dict[str, Any]] = {}

        def __new__(cls, *values, **named):
            if named or len(values) != len(cls._fields):
                values = cls._build(*values, **named)
            return _new_tuple(cls, values)

        @classmethod
        def _build(cls, *values, **named):
            """The fields' values from a call with keywords or defaults: a function whose
            parameters are the fields, written for the class the first time it is needed."""
            build = cls.__dict__.get("_builder")
            if build is None:
                build = _builder(cls)
                cls._builder = build
            return build(*values, **named)

        @classmethod
        def _make(cls, iterable):
            values = tuple(iterable)
            if len(values) != len(cls._fields):
                raise TypeError(f"expected {len(cls._fields)} arguments, got {len(values)}")
            return _new_tuple(cls, values)

        def _replace(self, **changes):
            result = _new_tuple(type(self), map(changes.pop, self._fields, self))
            if changes:
                raise ValueError(f"got unexpected field names: {list(changes)!r}")
            return result

        def _asdict(self):
            return dict(zip(self._fields, self, strict=True))

        def __getnewargs__(self):
            return tuple(self)

        def __repr__(self):
            shown = ", ".join(
                f"{field}={value!r}" for field, value in zip(self._fields, self, strict=True)
            )
            return f"{type(self).__name__}({shown})"

    def _builder(cls):
        """``def Name(a, b, c=_defaults['c']): return (a, b, c)`` for the class ``Name``, so
        that a call's mistakes are reported as Python reports a function's."""
        fields = cls._fields
        parameters = [
            f"{field}=_defaults[{field!r}]" if field in cls._field_defaults else field
            for field in fields
        ]
        returned = "".join(f"{field}, " for field in fields)
        source = f"def {cls.__name__}({', '.join(parameters)}):\n    return ({returned})\n"
        namespace = {"_defaults": cls._field_defaults}
        exec(source, namespace)
        return namespace[cls.__name__]
