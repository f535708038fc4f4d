"""What a run could not remove because the engine went away: recorded, then removed later.

While dockerd is down nothing can be removed, and a run cannot wait forever for it. So the
objects still to remove (their ids, which the engine keeps across a restart) are written to
``$XDG_STATE_HOME/dlint/smoke-cleanup/RUN.json`` (``~/.local/state`` by default), and the
next ``dlint smoke`` on the same engine removes them before it builds anything. A record is
claimed by renaming it, so two runs never sweep the same one, and it is deleted once done.
Images tagged by then are never removed: a record names layers, not the user's images.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .cleanup import Resources
from .engine import EngineLost

if TYPE_CHECKING:
    from docker import APIClient


def pending_dir() -> Path | None:
    """Where records go; None when there is no home directory to keep them in."""
    base = os.environ.get("XDG_STATE_HOME")
    if not base:
        try:
            base = str(Path.home() / ".local" / "state")
        except (RuntimeError, KeyError):
            return None
    return Path(base) / "dlint" / "smoke-cleanup"


def record(resources: Resources, engine_address: str, run_id: str) -> Path:
    """Write the record of what ``resources`` still holds; raises OSError when it cannot."""
    directory = pending_dir()
    if directory is None:
        raise OSError("no home directory for a record")
    directory.mkdir(parents=True, exist_ok=True)
    data = {
        "engine": engine_address,
        "run": run_id,
        "recorded": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        **resources.leftovers(),
    }
    path = directory / f"{run_id}.json"
    partial = directory / f".{run_id}.partial"
    partial.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    os.replace(partial, path)
    return path


def manual_commands(resources: Resources) -> str:
    """The docker commands that remove what is left, for when no record can be written."""
    left = resources.leftovers()
    commands = []
    if left["containers"]:
        commands.append("docker rm -f -v " + " ".join(c[:12] for c in left["containers"]))
    if left["images"]:
        images = " ".join(i.removeprefix("sha256:")[:12] for i in reversed(left["images"]))
        commands.append("docker rmi " + images)
    return "; ".join(commands)


def sweep(client: APIClient, engine_address: str) -> list[str]:
    """Remove what earlier runs on this engine recorded; returns notes for the report."""
    directory = pending_dir()
    if directory is None or not directory.is_dir():
        return []
    notes = []
    for path in sorted(directory.glob("*.json")):
        data = _read(path)
        if data is None or data.get("engine") != engine_address:
            continue
        claimed = path.with_name(f".{path.stem}.{os.getpid()}.claimed")
        try:
            path.rename(claimed)
        except OSError:  # another run claimed it first
            continue
        try:
            problems = _resources(client, data).cleanup(client)
        except EngineLost:
            claimed.rename(path)  # the engine is gone again: leave it for the next run
            break
        except BaseException:
            claimed.rename(path)
            raise
        claimed.unlink()
        note = f"removed what an earlier run ({data.get('run')}) left when the engine went away"
        notes.append(note + (f"; could not remove {', '.join(problems)}" if problems else ""))
    return notes


def _read(path: Path) -> dict[str, Any] | None:
    with contextlib.suppress(OSError, ValueError):
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict):
            return data
    return None


def _resources(client: APIClient, data: dict[str, Any]) -> Resources:
    """The recorded objects, with every image tagged by now protected."""
    tagged = [
        str(image["Id"])
        for image in client.images()
        if any(tag != "<none>:<none>" for tag in image.get("RepoTags") or [])
    ]
    return Resources(
        containers=[str(c) for c in data.get("containers") or []],
        layers=[str(i) for i in data.get("images") or []],
        kept_image=data.get("kept_image"),
        images_before=frozenset(tagged),
    )
