"""The package-manager knowledge: reading install commands, pins, caches and clean-ups."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pytest
from dockerfile_dlint.api import Expansion, Instruction, SimpleCommand
from dockerfile_dlint.knowledge import package_managers as pm
from dockerfile_dlint.lexer import lex
from dockerfile_dlint.model import Model, build_model
from dockerfile_dlint.shell import ShellScript, parse_shell
from dockerfile_dlint.source import MappedText, decode
from dockerfile_dlint.variables import expand


def script(text: str) -> ShellScript:
    return parse_shell(MappedText.single(text, 1, 1))


def command(text: str) -> SimpleCommand:
    """The first command of ``text`` that has words."""
    return next(found for found in script(text).commands if found.words)


def read(text: str) -> pm.Invocation:
    found = pm.invocation(command(text))
    assert found is not None, text
    return found


def expander(variables: Mapping[str, str | None]) -> Callable[[str], Expansion]:
    return lambda text: expand(text, variables)


def dockerfile(text: str) -> tuple[tuple[Instruction, ...], Model]:
    document = lex(decode(text.encode()))
    return document.instructions, build_model(document)


# Reading commands


def test_apt_get_options_values_and_packages() -> None:
    found = read("apt-get -qy -o Dpkg::Options::=--force-confold install -t bookworm curl git=1:2")
    assert found.manager == "apt-get"
    assert found.subcommand == "install"
    assert found.installs
    assert [word.value for word in found.arguments] == ["curl", "git=1:2"]
    assert found.has_option("-y") and found.has_option("-q")
    assert found.option_values("-o") == ("Dpkg::Options::=--force-confold",)
    assert found.option_values("-t", "--target-release") == ("bookworm",)
    assert found.name == "apt-get install"


def test_attached_and_long_option_values() -> None:
    found = read("pip install -rrequirements.txt --index-url=https://x/simple --timeout 60 flask")
    assert found.option_values("-r") == ("requirements.txt",)
    assert found.option_values("--index-url") == ("https://x/simple",)
    assert [word.value for word in found.arguments] == ["flask"]


def test_double_dash_ends_options() -> None:
    found = read("apk add --no-cache -- -weird-name")
    assert [word.value for word in found.arguments] == ["-weird-name"]
    assert found.has_option("--no-cache")


@pytest.mark.parametrize(
    ("text", "manager"),
    [
        ("sudo -E -u root apt-get install -y curl", "apt-get"),
        ("env DEBIAN_FRONTEND=noninteractive apt-get install -y curl", "apt-get"),
        ("/usr/bin/apt-get install -y curl", "apt-get"),
        ("exec gosu app npm install", "npm"),
        ("python3 -m pip install flask", "pip"),
        ("/opt/venv/bin/python -u -m pip install flask", "pip"),
        ("pip3.11 install flask", "pip"),
        ("/opt/venv/bin/pip install flask", "pip"),
        ("pipx install poetry", "pipx"),
        ("microdnf install -y jq", "microdnf"),
    ],
)
def test_managers_behind_wrappers_and_paths(text: str, manager: str) -> None:
    assert read(text).manager == manager


@pytest.mark.parametrize(
    "text",
    [
        "command -v apt-get",
        "python3 -m venv /opt/venv",
        "python3 -c 'import pip'",
        "echo apt-get install curl",
        "pipenv install --system",
    ],
)
def test_commands_that_run_no_package_manager(text: str) -> None:
    assert pm.invocation(command(text)) is None


def test_span_runs_from_program_to_subcommand() -> None:
    found = read("sudo apt-get -y install curl")
    assert (found.span.column, found.span.end_column) == (6, 24)


@pytest.mark.parametrize(
    ("text", "subcommand", "fills"),
    [
        ("dnf in -y mariadb", "install", True),
        ("yum -y swap -- remove fakesystemd -- install systemd", "swap", True),
        ("yum update -y", "update", True),
        ("dnf up -y", "upgrade", True),
        ("microdnf reinstall -y glibc", "reinstall", True),
        ("yum makecache fast", "makecache", True),
        ("dnf grp install -y 'Development Tools'", "group", True),
        ("yum groups install -y 'Development Tools'", "groups", True),
        ("dnf module install -y nodejs:20", "module", True),
        ("dnf module enable -y nodejs:20", "module", False),
        ("dnf remove -y vim-minimal", "remove", False),
        ("yum clean all", "clean", False),
        ("yum history list", "history", False),
    ],
)
def test_rpm_subcommands_by_full_name_and_whether_they_fill_the_cache(
    text: str, subcommand: str, fills: bool
) -> None:
    found = read(text)
    assert found.subcommand == subcommand
    assert pm.fills_rpm_cache(found) is fills


def test_aliases_are_the_tools_own() -> None:
    assert read("dnf in -y jq").installs
    assert read("dnf in -y jq").name == "dnf install"
    assert read("zypper in -y jq").subcommand == "in"  # zypper's own alias, listed as it is
    assert not read("apt-get in jq").installs


def test_invocations_filters_by_manager() -> None:
    commands = script("apt-get update && pip install flask && apk add curl").commands
    assert [found.manager for found in pm.invocations(commands)] == ["apt-get", "pip", "apk"]
    assert [found.manager for found in pm.invocations(commands, "pip")] == ["pip"]


# Pins


@pytest.mark.parametrize(
    ("manager", "package", "pinned"),
    [
        ("apt-get", "curl", False),
        ("apt-get", "curl=7.88.1-10", True),
        ("apt-get", "curl/bookworm-backports", True),
        ("apt-get", "./tool.deb", True),
        ("apk", "curl", False),
        ("apk", "curl=8.9.1-r0", True),
        ("apk", "bash~5.2", True),
        ("pip", "flask", False),
        ("pip", "flask[async]", False),
        ("pip", "flask==3.0.3", True),
        ("pip", "flask>=3,<4", True),
        ("pip", "./src", True),
        ("pip", ".", True),
        ("pip", "dist/app-1.0-py3-none-any.whl", True),
        ("pip", "git+https://github.com/a/b", False),
        ("pip", "git+ssh://git@github.com/a/b", False),
        ("pip", "git+https://github.com/a/b@v1.2", True),
        ("pip", "git+https://github.com/a/b.git@main#egg=b", True),
        ("npm", "express", False),
        ("npm", "express@4.19.2", True),
        ("npm", "@angular/cli", False),
        ("npm", "@angular/cli@17.3.0", True),
        ("npm", "git+https://github.com/a/b.git", False),
        ("npm", "git+https://github.com/a/b.git#v1", True),
        ("npm", "./local", True),
        ("gem", "rails", False),
        ("gem", "rails:7.1.3", True),
        ("yum", "httpd", False),
        ("yum", "python3-devel", False),
        ("yum", "httpd-2.4.6-99.el7", True),
        ("dnf", "gcc-c++", False),
        ("dnf", "java-21-openjdk-21.0.4.0.7", True),
        ("dnf", "@development-tools", True),
        ("dnf", "/tmp/tool.rpm", True),
        ("zypper", "curl", False),
        ("zypper", "curl=8.6.0", True),
        ("zypper", "git<3", True),
    ],
)
def test_is_pinned(manager: str, package: str, pinned: bool) -> None:
    assert pm.is_pinned(manager, package) is pinned


# Packages given through variables


def test_package_values_of_plain_words_and_build_arguments() -> None:
    found = read('apt-get install -y curl $PKGS "${ONE}" $UNKNOWN $(cat list)')
    values = [
        pm.package_values(word, expander({"PKGS": "a=1 b", "ONE": "c", "UNKNOWN": None}))
        for word in found.arguments
    ]
    assert values == [("curl",), ("a=1", "b"), ("c",), None, None]


def test_shell_variables_assigned_before_the_command() -> None:
    commands = script(
        "deps='gcc make'; if true; then deps=\"$deps git\"; fi; export PINNED=curl=1; "
        "X=1 true; apt-get install -y $deps $PINNED $X"
    ).commands
    install = next(found for found in commands if found.name == "apt-get")
    variables = pm.shell_variables(commands, install, expander({}))
    assert variables == {"deps": "gcc make git", "PINNED": "curl=1"}
    found = pm.invocation(install)
    assert found is not None
    loose = pm.unpinned(found, commands, expander({}))
    assert [(word.value, packages) for word, packages in loose] == [
        ("$deps", ("gcc", "make", "git"))
    ]


def test_unpinned_with_custom_words_and_pin_test() -> None:
    commands = script("dnf module install -y nodejs:20 php").commands
    found = pm.invocation(commands[0])
    assert found is not None
    loose = pm.unpinned(found, commands, expander({}), found.arguments[1:], lambda m: ":" in m)
    assert [packages for _, packages in loose] == [("php",)]


# pip for the deploy rule


def test_pip_install_reads_requirements_files_and_user_site() -> None:
    found = pm.pip_install(
        command(
            "python3 -m pip install --user -r requirements.txt --requirement=dev.txt "
            "'uvicorn[standard]==0.30' flask ./src https://x/y.tar.gz -e ./plugin"
        )
    )
    assert found == pm.PipInstall(
        requirements=("uvicorn[standard]==0.30", "flask"),
        requirement_files=("requirements.txt", "dev.txt"),
        user=True,
    )


@pytest.mark.parametrize(
    ("text", "env", "user"),
    [
        ("pip install flask", None, False),
        ("pip install flask", {"PIP_USER": "yes"}, True),
        ("pip install flask", {"PIP_USER": "0"}, False),
        ("PIP_USER=1 pip install flask", None, True),
        ("pip install flask", {"PIP_USER": None}, False),
    ],
)
def test_pip_install_user_site_from_the_environment(
    text: str, env: Mapping[str, str | None] | None, user: bool
) -> None:
    found = pm.pip_install(command(text), env)
    assert found is not None and found.user is user


@pytest.mark.parametrize(
    "text", ["pip download flask", "pipx install poetry", "pip3 uninstall -y flask", "npm i x"]
)
def test_pip_install_is_none_for_other_commands(text: str) -> None:
    assert pm.pip_install(command(text)) is None


def test_strtobool_follows_pip() -> None:
    assert [pm.strtobool(value) for value in ("yes", "Off", "1", "maybe")] == [
        True,
        False,
        True,
        None,
    ]


# Caches and clean-ups


@pytest.mark.parametrize(
    ("text", "manager", "cleans"),
    [
        ("rm -rf /var/lib/apt/lists/*", "apt-get", True),
        ("rm -r /var/lib/apt/lists", "apt-get", True),
        ("rm -rf /var/lib/apt", "apt-get", True),
        ("rm -rf /var/lib/{apt,dpkg}/", "apt-get", True),
        ("rm -rf /tmp/* /var/tmp/*", "apt-get", False),
        ("rm -rf /", "apt-get", False),
        ("apt-get dist-clean", "apt-get", True),
        ("apt-get clean", "apt-get", False),
        ("find /var/lib/apt/lists -type f -delete", "apt-get", True),
        ("find / -name '*.pyc' -delete", "apt-get", False),
        ("yum clean all", "yum", True),
        ("dnf clean all", "yum", True),
        ("rm -rf /var/cache/dnf", "dnf", True),
        ("zypper cc", "zypper", True),
        ("yarn cache clean --force", "yarn", True),
        ("rm -rf /usr/local/share/.cache/yarn", "yarn", True),
        ("pip cache purge", "pip", True),
        ("rm -rf ~/.cache/pip", "pip", True),
        ("rm -rf /root/.cache", "pip", True),
        ("pip cache list", "pip", False),
    ],
)
def test_cleans(text: str, manager: str, cleans: bool) -> None:
    assert pm.cleans(command(text), manager) is cleans


def test_cleans_an_extra_directory() -> None:
    assert pm.cleans(command("rm -rf /tmp/yarn"), "yarn", ["/tmp/yarn"])


@pytest.mark.parametrize(
    ("target", "manager", "mounted"),
    [
        ("/var/lib/apt/lists", "apt-get", True),
        ("/var/lib/apt", "apt-get", True),
        ("/var/lib/apt/lists/partial", "apt-get", False),
        ("/var/cache/apk/", "apk", True),
        ("/root/.cache/pip", "pip", True),
        ("/home/app/.cache/pip", "pip", True),
        ("/root/.cache", "pip", True),
        ("/tmp/cache", "pip", False),
        ("/", "pip", False),
    ],
)
def test_cache_mounted(target: str, manager: str, mounted: bool) -> None:
    instructions, _ = dockerfile(f"FROM x\nRUN --mount=type=cache,target={target} true\n")
    assert pm.cache_mounted(instructions[1], manager) is mounted


def test_cache_mount_targets_ignore_other_mount_types() -> None:
    instructions, _ = dockerfile(
        "FROM x\nRUN --mount=type=bind,target=/a --mount=id=c,type=cache,dst=/b true\n"
    )
    assert pm.cache_mount_targets(instructions[1]) == ("/b",)


def test_uncleaned_looks_after_the_last_install() -> None:
    commands = script("yum install -y a && yum clean all && yum install -y b").commands
    installs = [found for found in pm.invocations(commands, "yum") if found.installs]
    last = pm.uncleaned(installs, commands, "yum")
    assert last is installs[-1]
    commands = script("yum install -y a && yum install -y b && yum clean all").commands
    installs = [found for found in pm.invocations(commands, "yum") if found.installs]
    assert pm.uncleaned(installs, commands, "yum") is None
    assert pm.uncleaned([], commands, "yum") is None


def test_piped_from() -> None:
    parsed = script("yes | apt-get install curl && apt-get install git")
    first, second = (found for found in parsed.commands if found.name == "apt-get")
    assert pm.piped_from(first, parsed, "yes")
    assert not pm.piped_from(second, parsed, "yes")


# Where the commands come from


def test_run_commands_of_exec_form_and_shell_form() -> None:
    instructions, _ = dockerfile('FROM x\nRUN ["apt-get", "install", "curl"]\nRUN echo hi\n')
    exec_form = pm.run_commands(instructions[1], None)
    assert [word.value for word in exec_form[0].words] == ["apt-get", "install", "curl"]
    assert exec_form[0].words[2].span.column == 28
    assert pm.run_commands(instructions[2], None) == ()
    parsed = script("echo hi")
    assert pm.run_commands(instructions[2], parsed) == parsed.commands


def test_mentions_looks_into_heredocs() -> None:
    instructions, _ = dockerfile("FROM x\nRUN <<EOF\napk add curl\nEOF\n")
    assert pm.mentions(instructions[1], "apk")
    assert not pm.mentions(instructions[1], "yum")


def test_ships_only_the_last_stage_and_stages_built_on() -> None:
    _, model = dockerfile(
        "FROM a AS build\nRUN x\nFROM a AS base\nRUN y\nFROM base\nRUN z\nFROM b AS unused\n"
    )
    build, base, child, unused = model.stages
    assert not pm.ships(build, model.stages)
    assert pm.ships(base, model.stages)
    assert not pm.ships(child, model.stages)
    assert pm.ships(unused, model.stages)
    assert pm.ships(None, model.stages)
