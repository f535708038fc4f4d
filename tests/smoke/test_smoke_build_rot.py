"""A real build that fails as a rotten Dockerfile does, explained with its DB rule."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from smokehelpers import smoke


@pytest.mark.parametrize(
    ("tool", "expected"),
    [
        ("apt-get", "`apt-get` is not the package manager of the base image at step "),
        ("curl", "`curl` is not in the base image at step "),
    ],
)
def test_a_command_the_image_lacks_is_explained_with_its_db_rule(
    docker_client: Any, context_of: Callable[[str], Path], tool: str, expected: str
) -> None:
    context = context_of("build-rot")
    run = smoke(
        str(context), "--no-config", "--build-arg", f"TOOL={tool}", "--format", "json",
        cwd=context.parent,
    )  # fmt: skip
    assert run.code == 1, run.output
    explanation = run.report["build"]["explanation"]
    assert explanation.startswith(expected), explanation
    # BuildKit (the default here) reports no step for FROM: the base comes from the file.
    assert "caused by `FROM scratch` (line 2)" in explanation
    assert ("(DB005)" if tool == "apt-get" else "(DB006)") in explanation
