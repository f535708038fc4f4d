from dockerfile_dlint.api import Context, Finding, Instruction, Level, Rule, lazy
from dockerfile_dlint.knowledge.verification import (
    INDEX,
    TOOLS,
    config_assignments,
    copied_writes,
    host_note,
    insecure_setting,
    insecure_writes,
    mentions,
    run_writes,
    setting_message,
    switches_used,
    tool_words,
    unique_commands,
)

# What a RUN (lowercased) must contain to be worth reading.
HINTS = lazy(
    r"trusted.host|insecure|strict.?ssl|ssl_verify|disable-tls|secure-http|maven\.wagon"
    r"|securitymode|pip\.(?:conf|ini)|npmrc|yarnrc|condarc"
)
CONFIG_NAMES = lazy(r"pip\.(?:conf|ini)|npmrc|yarnrc|condarc")


class InsecurePackageIndex(Rule):
    """A package manager is told to trust its index without TLS verification.

    ## What it does
    Flags package managers set to fetch packages without checking the server's certificate,
    or over plain HTTP: `pip --trusted-host` (any pip command, also `python -m pip`), `pip
    config set global.trusted-host`, `uv --allow-insecure-host`, `npm`/`pnpm`/`yarn`
    `--strict-ssl=false` or `config set strict-ssl false` (Yarn 2+: `enableStrictSsl`),
    `conda config --set ssl_verify false`, `composer config disable-tls true` or `secure-http
    false`, `bundle config ssl_verify_mode 0`, Maven's
    `-Dmaven.wagon.http.ssl.insecure=true` (and `allowall`, `ignore.validity.dates`,
    `aether.connector.https.securityMode=insecure`) and `go get -insecure`; and the same
    settings written into `pip.conf`, `.npmrc`, `.yarnrc`, `.yarnrc.yml` or `.condarc` in a
    RUN or copied in. A trusted host of `localhost` is not flagged.

    The same settings made through environment variables (`PIP_TRUSTED_HOST`,
    `NPM_CONFIG_STRICT_SSL`, `MAVEN_OPTS` …) are DS005's; download tools are DS001's.

    ## Why is this bad?
    Packages run code when they are installed (`setup.py`, npm install scripts) and again
    when the application starts. When the index's certificate is not checked, or the index is
    reached over plain HTTP, anyone on the network path can serve a package of their own in
    place of the real one. The switch is often copied from an old tutorial
    (`--trusted-host pypi.python.org`) or added to get past a corporate proxy, and then never
    removed.

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    COPY requirements.txt .
    RUN pip install --trusted-host pypi.python.org -r requirements.txt
    ```

    ## Use instead
    Use the index over HTTPS with certificate checks; behind a proxy with its own CA, give
    that CA to the tool (`pip --cert`, npm's `cafile`) or to the image's trust store:
    ```dockerfile
    FROM python:3.12-slim
    COPY requirements.txt .
    RUN pip install -r requirements.txt
    ```
    """

    code = "DS002"
    name = "insecure-package-index"
    level = Level.ERROR
    instructions = frozenset({"RUN", "COPY", "ADD"})

    def check(self, instruction: Instruction, ctx: Context) -> list[Finding]:
        if instruction.keyword != "RUN":
            if not mentions(instruction, CONFIG_NAMES):
                return []
            return [
                self.finding(found.span, found.message)
                for found in insecure_writes(copied_writes(instruction, ctx), INDEX)
            ]
        if not mentions(instruction, HINTS):
            return []
        commands = unique_commands(ctx.run_commands(instruction))
        findings = []
        for command in commands:
            read = tool_words(command)
            if read is None:
                continue
            tool, words = read
            entry = TOOLS.get(tool)
            if entry is not None and entry.category == INDEX:
                for use in switches_used(words, entry):
                    note = host_note(use.given)
                    effect = f"{use.switch.effect} ({note})" if note else use.switch.effect
                    message = f"{tool} {use.given} {effect}: {use.switch.fix}"
                    findings.append(self.finding(use.span, message))
            for assignment in config_assignments(tool, words):
                setting = insecure_setting(tool, assignment)
                if setting is not None and setting.category == INDEX:
                    message = setting_message(tool, assignment, setting)
                    findings.append(self.finding(assignment.word.span, message))
        writes = run_writes(commands, ctx.shell(instruction))
        findings += (self.finding(f.span, f.message) for f in insecure_writes(writes, INDEX))
        return findings
