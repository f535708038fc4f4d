from dockerfile_dlint.api import Context, Finding, Instruction, Level, Rule, Stage


class FinalUserRoot(Rule):
    """The image ends up running as root because of its last USER.

    ## What it does
    Looks at the user the final stage runs as: the last `USER` of the final stage or, when
    that stage has none, of the stage it is built `FROM` (and so on up). Flags that `USER`
    when it names root (`root`, `0`, `root:group`, `0:0` …), after expanding build arguments
    and environment variables. Builder stages may use root freely: only the image that
    ships is judged. An image whose user is never set in the Dockerfile is not flagged, since
    the base image decides it.

    ## Why is this bad?
    A process running as root inside the container is root on the host's kernel as well:
    a compromise of the application, or a mistake in a volume mount, has far wider reach.
    Many platforms (Kubernetes with `runAsNonRoot`, OpenShift) refuse to start such images.

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    RUN useradd --create-home app
    USER root
    CMD ["python", "-m", "app"]
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.12-slim
    RUN useradd --create-home app
    USER app
    CMD ["python", "-m", "app"]
    ```
    """

    code = "DL3002"
    name = "final-user-root"
    level = Level.WARNING

    def finish(self, ctx: Context) -> list[Finding]:
        if not ctx.stages:
            return []
        user = _effective_user(ctx.stages[-1])
        if user is None or not user.text.text:
            return []
        text = user.text.text
        expansion = ctx.expand(user, text)
        if not expansion.complete or not is_root(expansion.value):
            return []
        shown = text if expansion.value == text else f"{text} (= {expansion.value})"
        return [
            self.finding(
                user.text.span(0, len(text)),
                f"the image runs as {shown}, which is root: switch to an unprivileged user "
                "with a last USER such as USER 10001",
            )
        ]


def _effective_user(stage: Stage) -> Instruction | None:
    """The USER instruction that decides the stage's user, following FROM <stage>."""
    current: Stage | None = stage
    seen: set[int] = set()
    while current is not None and current.index not in seen:
        seen.add(current.index)
        users = [i for i in current.instructions if i.keyword == "USER"]
        if users:
            return users[-1]
        current = current.parent
    return None


def is_root(user: str) -> bool:
    name = user.partition(":")[0]
    return name == "root" or (name.isascii() and name.isdigit() and int(name) == 0)
