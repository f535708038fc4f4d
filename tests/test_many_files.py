"""Many files: which files a tree yields (.gitignore, exclude), and parallel linting whose
output is the same as linting one file after another."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from dockerfile_dlint import runner
from dockerfile_dlint.config import Settings
from dockerfile_dlint.files import Exclusions, find_dockerfiles
from dockerfile_dlint.registry import all_rules
from dockerfile_dlint.runner import Job, lint_jobs
from dockerfile_dlint.selection import build_selection
from helpers import CORPUS, modules_loaded_by

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def dlint(
    *args: str, cwd: Path, env: dict[str, str] | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dockerfile_dlint", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1", **(env or {})},
        check=False,
    )


def files_linted(*args: str, cwd: Path, env: dict[str, str] | None = None) -> list[str]:
    """The files dlint check reports on (every file here has a finding, DL3006)."""
    result = dlint("check", "--select", "DL3006", "--format", "json", *args, cwd=cwd, env=env)
    assert result.returncode in (0, 1), result.stderr
    return sorted({finding["file"] for finding in json.loads(result.stdout)})


def make_tree(root: Path, names: list[str]) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("FROM python\n")


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    make_tree(
        tmp_path,
        [
            "Dockerfile",
            "api/Dockerfile",
            "build/Dockerfile",
            "generated.Dockerfile",
            "vendor/tool/Dockerfile",
            "docs/Dockerfile.example",
        ],
    )
    (tmp_path / ".gitignore").write_text("build/\ngenerated.Dockerfile\nvendor/\n")
    (tmp_path / "docs" / ".gitignore").write_text("*.example\n")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    subprocess.run(["git", "-C", str(tmp_path), "add", "-f", "vendor/tool/Dockerfile"], check=True)
    return tmp_path


@needs_git
def test_gitignore_is_respected_in_a_repository(repository: Path) -> None:
    assert files_linted(".", cwd=repository) == [
        "./Dockerfile",
        "./api/Dockerfile",
        "./vendor/tool/Dockerfile",
    ]
    assert files_linted("api", "docs", cwd=repository) == ["api/Dockerfile"]
    assert files_linted(".", cwd=repository / "api") == ["./Dockerfile"]


@needs_git
def test_paths_named_explicitly_are_linted_even_when_ignored(repository: Path) -> None:
    assert files_linted("build/Dockerfile", cwd=repository) == ["build/Dockerfile"]
    assert files_linted("build", cwd=repository) == ["build/Dockerfile"]


@needs_git
def test_without_git_the_tree_is_walked(repository: Path, tmp_path: Path) -> None:
    """No git on PATH: every Dockerfile is found, .gitignore or not."""
    python_only = tmp_path / "bin"
    python_only.mkdir()
    (python_only / "python").symlink_to(sys.executable)
    found = files_linted(".", cwd=repository, env={"PATH": str(python_only)})
    assert found == [
        "./Dockerfile",
        "./api/Dockerfile",
        "./build/Dockerfile",
        "./docs/Dockerfile.example",
        "./generated.Dockerfile",
        "./vendor/tool/Dockerfile",
    ]


def test_outside_a_repository_the_tree_is_walked(tmp_path: Path) -> None:
    make_tree(tmp_path, ["Dockerfile", "build/Dockerfile"])
    (tmp_path / ".gitignore").write_text("build/\n")
    assert files_linted(".", cwd=tmp_path) == ["./Dockerfile", "./build/Dockerfile"]


def test_exclude_from_configuration_and_command_line(tmp_path: Path) -> None:
    make_tree(
        tmp_path,
        [
            "Dockerfile",
            "legacy/Dockerfile",
            "services/legacy/Dockerfile",
            "services/api/Dockerfile",
            "services/api/Dockerfile.dev",
            "docker/old/Dockerfile",
        ],
    )
    (tmp_path / ".dlint.toml").write_text('exclude = ["legacy", "docker/old"]\n')
    assert files_linted(".", cwd=tmp_path) == [
        "./Dockerfile",
        "./services/api/Dockerfile",
        "./services/api/Dockerfile.dev",
    ]
    assert files_linted("--exclude", "*.dev", "--exclude", "services/api", ".", cwd=tmp_path) == [
        "./Dockerfile"
    ]
    service = tmp_path / "services"
    assert files_linted(".", "--exclude", "api/Dockerfile.*", cwd=service) == ["./api/Dockerfile"]


def test_exclude_applies_to_files_named_explicitly(tmp_path: Path) -> None:
    """pre-commit passes file names: an excluded file must stay excluded."""
    make_tree(tmp_path, ["legacy/Dockerfile", "Dockerfile"])
    (tmp_path / ".dlint.toml").write_text('exclude = ["legacy/"]\n')
    result = dlint("check", "legacy/Dockerfile", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, "")
    assert result.stderr == "dlint: no Dockerfiles found\n"


@pytest.mark.parametrize(
    ("glob", "excluded", "kept"),
    [
        ("legacy", ["legacy/Dockerfile", "a/legacy/b/Dockerfile"], ["legacyx/Dockerfile"]),
        ("*.dev", ["Dockerfile.dev", "a/Dockerfile.dev"], ["Dockerfile"]),
        ("a/b", ["a/b/Dockerfile", "a/b/c/Dockerfile"], ["x/a/b/Dockerfile"]),
        ("/Dockerfile", ["Dockerfile"], ["a/Dockerfile"]),
        ("**/gen/*", ["gen/Dockerfile", "a/gen/Dockerfile"], ["generated/Dockerfile"]),
        ("./a/*.Dockerfile", ["a/x.Dockerfile"], ["b/x.Dockerfile"]),
    ],
)
def test_exclusion_globs(
    glob: str, excluded: list[str], kept: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    exclusions = Exclusions.of([((glob,), tmp_path)])
    assert [path for path in excluded if not exclusions.excludes(path)] == []
    assert [path for path in kept if exclusions.excludes(path)] == []


def test_exclusion_globs_are_relative_to_their_root(tmp_path: Path) -> None:
    make_tree(tmp_path, ["svc/a/Dockerfile", "svc/b/Dockerfile"])
    exclusions = Exclusions.of([(("a",), tmp_path / "svc"), (("svc/b",), tmp_path)])
    assert list(find_dockerfiles([str(tmp_path)], exclusions)) == []


def corpus_sample() -> list[str]:
    files = sorted(str(path) for path in CORPUS.glob("*/*") if path.is_file())
    return files[::20]


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not there")
@pytest.mark.parametrize("output_format", ["json", "text"])
def test_parallel_output_equals_serial_output(output_format: str, tmp_path: Path) -> None:
    sample = corpus_sample()
    outputs = [
        dlint("check", "--no-config", "--format", output_format, "-j", jobs, *sample, cwd=tmp_path)
        for jobs in ("1", "3")
    ]
    assert outputs[0].returncode == 1 and outputs[0].stdout
    for parallel in outputs[1:]:
        assert (parallel.returncode, parallel.stderr) == (outputs[0].returncode, "")
        assert parallel.stdout == outputs[0].stdout


def test_stdin_and_files_together_in_parallel(tmp_path: Path) -> None:
    make_tree(tmp_path, ["a/Dockerfile", "b/Dockerfile"])
    result = dlint(
        "check",
        "--select",
        "DL3006",
        "--format",
        "json",
        "-j",
        "2",
        "--stdin-filename",
        "piped/Dockerfile",
        "a/Dockerfile",
        "-",
        "b/Dockerfile",
        cwd=tmp_path,
        stdin="FROM node\n",
    )
    assert [finding["file"] for finding in json.loads(result.stdout)] == [
        "a/Dockerfile",
        "b/Dockerfile",
        "piped/Dockerfile",
    ]


def test_results_keep_the_order_of_the_jobs(tmp_path: Path) -> None:
    names = [f"f{index:02}.Dockerfile" for index in range(30)]
    make_tree(tmp_path, names)
    jobs = [Job(str(tmp_path / name), name, tmp_path) for name in reversed(names)]
    selection = build_selection(Settings(), all_rules(), ["DL3006"])
    results = lint_jobs(jobs, selection, workers=3)
    assert [result.path for result in results] == list(reversed(names))
    assert all(len(result.findings) == 1 for result in results)


def test_one_file_never_starts_a_process_pool(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_pool(*args: object) -> None:
        raise AssertionError("a process pool was started")

    monkeypatch.setattr(runner, "_lint_in_pool", no_pool)
    make_tree(tmp_path, ["Dockerfile"])
    selection = build_selection(Settings(), all_rules())
    job = Job(str(tmp_path / "Dockerfile"), "Dockerfile", tmp_path)
    assert lint_jobs([job], selection, workers=8)[0].findings
    assert lint_jobs([job, job], selection, workers=1)[1].findings


def test_checking_one_file_imports_only_what_it_uses(tmp_path: Path) -> None:
    """The pre-commit path: no process pool, no other output format, no catalogue, no
    language server."""
    make_tree(tmp_path, ["Dockerfile"])
    output, loaded = modules_loaded_by(["check", "-j", "4", "Dockerfile"], tmp_path)
    assert "DL3006" in output
    unwanted = {
        "multiprocessing",
        "concurrent.futures.process",
        "dockerfile_dlint.report.sarif",
        "dockerfile_dlint.report.json_format",
        "dockerfile_dlint.catalogue",
        "dockerfile_dlint.ruledocs",
        "jsonschema",
        "rich",
        "docker",
        "tomllib",  # no configuration file here
        "dockerfile_dlint.lsp",
        "pygls",
        "lsprotocol",
    }
    assert loaded & unwanted == set()


def test_without_jobs_small_runs_stay_in_one_process() -> None:
    cpus = runner.available_cpus()
    assert runner.automatic_workers(1) == 1
    assert runner.automatic_workers(runner.MIN_FILES_PER_WORKER - 1) == 1
    assert runner.automatic_workers(2 * runner.MIN_FILES_PER_WORKER) == min(2, cpus)
    assert runner.automatic_workers(10**6) == cpus
