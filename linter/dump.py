"""The parsed model as plain data, for ``dlint parse``: what rule authors and bug reports need."""

from __future__ import annotations

from typing import Any

from .model import Model
from .syntax import Dockerfile, Instruction


def dump(dockerfile: Dockerfile, model: Model) -> dict[str, Any]:
    return {
        "file": dockerfile.source.path,
        "escape": dockerfile.escape,
        "directives": [
            {"name": d.name, "value": d.value, **d.span.to_dict()} for d in dockerfile.directives
        ],
        "instructions": [_instruction(instruction) for instruction in dockerfile.instructions],
        "stages": [
            {
                "index": stage.index,
                "name": stage.name,
                "image": stage.image,
                "image_resolved": stage.image_resolved,
                "parent": stage.parent.index if stage.parent else None,
                "line": stage.from_instruction.line,
                "end_line": (stage.instructions or [stage.from_instruction])[-1].span.end_line,
            }
            for stage in model.stages
        ],
        "problems": [
            {"message": problem.message, **problem.span.to_dict()}
            for problem in dockerfile.problems
        ],
    }


def _instruction(instruction: Instruction) -> dict[str, Any]:
    data: dict[str, Any] = {
        "keyword": instruction.keyword,
        **instruction.span.to_dict(),
        "keyword_span": instruction.keyword_span.to_dict(),
        "flags": [
            {"name": flag.name, "value": flag.value, **flag.span.to_dict()}
            for flag in instruction.flags
        ],
        "form": "exec" if instruction.json else "shell",
        "arguments": [
            {"value": argument.value, **argument.span.to_dict()}
            for argument in instruction.arguments
        ],
        "heredocs": [
            {
                "name": heredoc.name,
                "quoted": heredoc.quoted,
                "chomp": heredoc.chomp,
                "terminated": heredoc.terminated,
                "body": heredoc.body.text,
                **heredoc.span.to_dict(),
            }
            for heredoc in instruction.heredocs
        ],
    }
    if instruction.trigger is not None:
        data["trigger"] = _instruction(instruction.trigger)
    return data
