from dockerfile_dlint.api import (
    Context,
    Finding,
    Instruction,
    Level,
    Rule,
    SimpleCommand,
    Word,
    lazy,
)

# Above this UID the sparse lastlog/faillog records useradd writes take megabytes once a layer
# stores them (hadolint's threshold: a UID of more than five digits).
HIGH_UID = 99_999
_VARIABLE = lazy(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")


def _uid_word(command: SimpleCommand) -> tuple[Word, str] | None:
    """The word that holds the ``-u``/``--uid`` value, and the value as written."""
    args = command.args
    for index, word in enumerate(args):
        value = word.value
        if value == "--":
            return None
        following = args[index + 1] if index + 1 < len(args) else None
        if value == "--uid":
            return (following, following.value) if following else None
        if value.startswith("--uid="):
            return word, value[len("--uid=") :]
        if value.startswith("-") and not value.startswith("--") and "u" in value[1:]:
            rest = value[value.index("u", 1) + 1 :]
            if rest:
                return word, rest
            return (following, following.value) if following else None
    return None


class UseraddHighUidWithoutNoLogInit(Rule):
    """`useradd` with a high UID and without `-l`.

    ## What it does
    Flags `useradd -u UID` (`-uUID`, `--uid UID`, `--uid=UID`; also behind `sudo` and in
    `sh -c` scripts) where the UID is above 99999 and neither `-l` nor
    `--no-log-init` is given. A UID taken from a build argument is flagged too, whatever its
    default, since the build can be given any UID (`--build-arg UID=$(id -u)` on a machine
    with directory-service accounts gives seven-digit UIDs); a UID taken from an `ENV` value
    is judged by that value, and one whose value is unknown is not flagged.

    ## Why is this bad?
    `useradd` records the new user in `/var/log/lastlog` and `/var/log/faillog`, files with
    one fixed-size slot per UID. On disk they are sparse, but an image layer stores them in
    full, so a UID in the millions adds hundreds of megabytes of zeros to the image.
    `-l` (`--no-log-init`) skips those records.

    ## Example
    ```dockerfile
    FROM debian:12
    RUN useradd -u 1000000 app
    ```

    ## Use instead
    ```dockerfile
    FROM debian:12
    RUN useradd --no-log-init -u 1000000 app
    ```
    """

    code = "DL3046"
    name = "useradd-high-uid-without-no-log-init"
    level = Level.WARNING
    instructions = frozenset({"RUN"})

    def check(self, instruction: Instruction, ctx: Context) -> list[Finding]:
        if "useradd" not in instruction.text.text and not instruction.heredocs:
            return []
        findings = []
        for command in ctx.run_commands(instruction, unwrapped=True):
            if command.program != "useradd" or command.has_flag("-l", "--no-log-init"):
                continue
            found = _uid_word(command)
            if found is None:
                continue
            word, uid = found
            message = self._message(instruction, ctx, uid)
            if message is not None:
                findings.append(self.finding(word.span, message))
        return findings

    @staticmethod
    def _message(instruction: Instruction, ctx: Context, uid: str) -> str | None:
        advice = "into the layer: add --no-log-init (-l)"
        names = _VARIABLE.findall(uid)
        build_args = [name for name in names if name in ctx.state(instruction).args]
        if build_args:
            return (
                f"the UID comes from build argument {build_args[0]}: built with a high UID, "
                f"useradd without -l writes huge lastlog/faillog files {advice}"
            )
        if names:
            expanded = ctx.expand(instruction, uid)
            if not expanded.complete:
                return None
            uid = expanded.value
        if not uid.isdigit() or int(uid) <= HIGH_UID:
            return None
        return f"useradd with UID {uid} and without -l writes large lastlog/faillog files {advice}"
