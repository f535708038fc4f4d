"""records.NamedTuple behaves as typing.NamedTuple (the oracle), and Record/Value as documented."""

from __future__ import annotations

import copy
import pickle
import re
import typing
from pathlib import Path

import pytest
from dockerfile_dlint.records import NamedTuple, Record, Value

ROOT = Path(__file__).resolve().parent.parent


class Point(NamedTuple):
    x: int
    y: int
    label: str = ""
    tags: tuple[str, ...] = ()

    def moved(self, dx: int) -> Point:
        return self._replace(x=self.x + dx)


class TypingPoint(typing.NamedTuple):
    x: int
    y: int
    label: str = ""
    tags: tuple[str, ...] = ()


CALLS: list[tuple[tuple[object, ...], dict[str, object]]] = [
    ((1, 2), {}),
    ((1, 2, "a"), {}),
    ((1, 2, "a", ("t",)), {}),
    ((1,), {"y": 2}),
    ((), {"y": 2, "x": 1, "tags": ("u",)}),
    ((1, 2), {"label": "b"}),
]
BAD_CALLS: list[tuple[tuple[object, ...], dict[str, object]]] = [
    ((), {}),
    ((1,), {}),
    ((1, 2, "a", (), 5), {}),
    ((1, 2), {"z": 3}),
    ((1, 2), {"x": 3}),
    ((1,), {"label": "a"}),
]


@pytest.mark.parametrize(("args", "kwargs"), CALLS)
def test_a_call_makes_the_tuple_typing_makes(
    args: tuple[object, ...], kwargs: dict[str, object]
) -> None:
    ours = Point(*args, **kwargs)  # type: ignore[arg-type]
    theirs = TypingPoint(*args, **kwargs)  # type: ignore[arg-type]
    assert tuple(ours) == tuple(theirs)
    assert ours == theirs and hash(ours) == hash(theirs)
    assert repr(ours) == repr(theirs).replace("TypingPoint", "Point")
    assert ours._asdict() == theirs._asdict()
    assert ours._replace(label="z", y=9) == theirs._replace(label="z", y=9)
    assert isinstance(ours, tuple) and type(ours._replace()) is Point


@pytest.mark.parametrize(("args", "kwargs"), BAD_CALLS)
def test_a_call_typing_refuses_is_refused(
    args: tuple[object, ...], kwargs: dict[str, object]
) -> None:
    with pytest.raises(TypeError):
        TypingPoint(*args, **kwargs)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Point(*args, **kwargs)  # type: ignore[arg-type]


def test_a_named_tuple_has_the_class_attributes_of_typings() -> None:
    assert Point._fields == TypingPoint._fields == ("x", "y", "label", "tags")
    assert Point._field_defaults == TypingPoint._field_defaults
    assert Point.__match_args__ == TypingPoint.__match_args__
    assert Point.x.__doc__ == TypingPoint.x.__doc__
    assert Point._make([1, 2, "a", ()]) == Point(1, 2, "a")
    with pytest.raises(TypeError):
        Point._make([1, 2])
    with pytest.raises(ValueError, match="unexpected field names"):
        Point(1, 2)._replace(z=1)
    with pytest.raises(AttributeError):
        Point(1, 2).z = 3  # type: ignore[attr-defined]  # no __dict__: slots only
    assert Point(1, 2).moved(3) == (4, 2, "", ())


def test_a_named_tuple_unpacks_matches_sorts_pickles_and_copies() -> None:
    first, second = Point(1, 2), Point(1, 3, "a")
    x, y, label, tags = second
    assert (x, y, label, tags) == (1, 3, "a", ())
    match second:
        case Point(1, y=3, label=found):
            assert found == "a"
        case _:
            pytest.fail("no match")
    assert sorted([second, first]) == [first, second]
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        assert pickle.loads(pickle.dumps(second, protocol)) == second
    assert copy.copy(second) == copy.deepcopy(second) == second
    assert type(copy.deepcopy(second)) is Point


def test_a_subclass_of_a_named_tuple_is_an_ordinary_subclass() -> None:
    class Labelled(Point):
        def describe(self) -> str:
            return f"{self.label}@{self.x},{self.y}"

    assert Labelled._fields == Point._fields
    assert Labelled(1, 2, "p").describe() == "p@1,2"


def test_a_malformed_named_tuple_is_refused_as_typing_refuses_it() -> None:
    with pytest.raises(TypeError, match="non-default field 'y'"):

        class Gap(NamedTuple):
            x: int = 0
            y: int

    with pytest.raises(ValueError, match="cannot start with '_'"):

        class Private(NamedTuple):
            _x: int

    with pytest.raises(TypeError, match="no other base"):

        class Mixed(NamedTuple, int):  # type: ignore[misc]
            x: int


def test_records_copy_compare_and_show_their_fields() -> None:
    class Box(Record):
        __slots__ = ("name", "size")
        _fields = ("size", "name")

        def __init__(self, size: int, name: str = "") -> None:
            self.size = size
            self.name = name

    class Size(Value):
        __slots__ = ("width",)
        _fields = ("width",)

        def __init__(self, width: int) -> None:
            self.width = width

    box = Box(1, "a")
    assert box.replace(name="b").field_values() == (1, "b") and box.name == "a"
    assert repr(box) == "Box(size=1, name='a')"
    assert box != Box(1, "a")  # a Record is equal only to itself
    assert Size(2) == Size(2) and hash(Size(2)) == hash(Size(2)) and Size(2) != Size(3)


def test_no_module_makes_its_named_tuples_with_typing() -> None:
    """typing.NamedTuple costs twenty times as much to make a class: the start pays it."""
    sources = [*(ROOT / "linter").rglob("*.py"), *(ROOT / "rules").glob("*.py")]
    uses_typing = re.compile(
        r"^from typing import[^\n]*\bNamedTuple\b|\btyping\.NamedTuple\b", re.M
    )
    defines = re.compile(r"^class \w+\(NamedTuple\)", re.M)
    offenders = []
    for path in sources:
        text = path.read_text()
        if path.name == "records.py":
            continue
        if uses_typing.search(text):
            offenders.append(f"{path.name}: imports typing's NamedTuple")
        if defines.search(text) and "from __future__ import annotations" not in text:
            # Field names are read from the annotations as strings (no __annotate__, 3.14).
            offenders.append(
                f"{path.name}: a NamedTuple without `from __future__ import annotations`"
            )
    assert len(sources) > 150
    assert offenders == []
