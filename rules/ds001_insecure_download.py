from dockerfile_dlint.api import Context, Finding, Instruction, Level, Rule, lazy
from dockerfile_dlint.knowledge.verification import (
    DOWNLOAD,
    DOWNLOADERS,
    TOOLS,
    all_local,
    config_assignments,
    copied_writes,
    insecure_setting,
    insecure_writes,
    mentions,
    run_writes,
    setting_message,
    switches_used,
    tool_words,
    unique_commands,
    urls,
    verifies,
)

# What a RUN (lowercased) must contain to be worth reading.
HINTS = lazy(
    r"(?<![\w-])-[a-z]*k|insecure|check.?certificate|sslverify|trust-server-cert|curlrc"
    r"|wgetrc|gitconfig|git/config"
)
CONFIG_NAMES = lazy(r"curlrc|wgetrc|gitconfig|git/config")


class InsecureDownload(Rule):
    """A download tool is told not to verify TLS certificates.

    ## What it does
    Flags download tools run without certificate checks: `curl -k`/`--insecure` (also in a
    cluster such as `-fsSLk`, and `--proxy-insecure`), `wget --no-check-certificate` (and
    `--check-certificate=off`, `-e check_certificate=off`), `git -c http.sslVerify=false`,
    `git config … http.sslVerify false`, `aria2c --check-certificate=false`, `svn
    --trust-server-cert` and `helm --insecure-skip-tls-verify`; and the same setting written
    into the tools' configuration files in a RUN or copied in with COPY (`echo insecure >>
    ~/.curlrc`, `check_certificate = off` in `.wgetrc`, `sslVerify = false` in `.gitconfig`).
    Commands are found behind `sudo`, in exec-form RUN and in `sh -c` scripts.

    Not flagged: downloads from `localhost`, and a RUN that checks what it downloaded against
    a pinned checksum or signature (`sha256sum -c`, `gpg --verify`), since the checksum
    protects the file then. The same switch in an environment variable (`GIT_SSL_NO_VERIFY`)
    is DS005's; a package manager's own switch (`pip --trusted-host`) is DS002's.

    ## Why is this bad?
    Without certificate checks, anyone who can sit between the build and the server (a
    compromised proxy or Wi-Fi, a hijacked DNS answer) can hand the build a file of their
    choosing, and the build installs or runs it. The option is usually added once to get
    past an error about a private or expired certificate, and then stays for good.

    ## Example
    ```dockerfile
    FROM debian:12-slim
    ARG TOOL_URL=https://example.com/tool-1.4.2-linux-amd64.tar.gz
    RUN curl -fsSLk "$TOOL_URL" | tar -xz -C /usr/local/bin
    ```

    ## Use instead
    Keep certificate checks on; if the server uses a private CA, add that CA to the image's
    trust store (or pass it with `--cacert`). Better still, check the checksum the vendor
    publishes:
    ```dockerfile
    FROM debian:12-slim
    ARG TOOL_URL=https://example.com/tool-1.4.2-linux-amd64.tar.gz
    ARG TOOL_SHA256
    RUN curl -fsSL -o /tmp/tool.tgz "$TOOL_URL" \\
     && echo "$TOOL_SHA256  /tmp/tool.tgz" | sha256sum -c - \\
     && tar -xzf /tmp/tool.tgz -C /usr/local/bin && rm /tmp/tool.tgz
    ```
    """

    code = "DS001"
    name = "insecure-download"
    level = Level.ERROR
    instructions = frozenset({"RUN", "COPY", "ADD"})

    def check(self, instruction: Instruction, ctx: Context) -> list[Finding]:
        if instruction.keyword != "RUN":
            if not mentions(instruction, CONFIG_NAMES):
                return []
            writes = copied_writes(instruction, ctx)
            return [
                self.finding(found.span, found.message)
                for found in insecure_writes(writes, DOWNLOAD)
            ]
        if not mentions(instruction, HINTS):
            return []
        commands = unique_commands(ctx.run_commands(instruction))
        findings = []
        checked = any(verifies(command) for command in commands)
        for command in commands:
            read = tool_words(command)
            if read is None:
                continue
            tool, words = read
            entry = TOOLS.get(tool)
            if entry is not None and entry.category == DOWNLOAD:
                if tool in DOWNLOADERS and (checked or all_local(urls(words))):
                    continue
                for use in switches_used(words, entry):
                    message = f"{tool} {use.given} {use.switch.effect}: {use.switch.fix}"
                    findings.append(self.finding(use.span, message))
            for assignment in config_assignments(tool, words):
                setting = insecure_setting(tool, assignment)
                if setting is not None and setting.category == DOWNLOAD:
                    message = setting_message(tool, assignment, setting)
                    findings.append(self.finding(assignment.word.span, message))
        writes = run_writes(commands, ctx.shell(instruction))
        findings += (self.finding(f.span, f.message) for f in insecure_writes(writes, DOWNLOAD))
        return findings
