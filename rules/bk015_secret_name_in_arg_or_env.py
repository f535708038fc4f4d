from dockerfile_dlint.api import Context, Finding, Instruction, Level, Rule, Span
from dockerfile_dlint.knowledge.buildkit import looks_secret


class SecretNameInArgOrEnv(Rule):
    """ARG or ENV defines a variable whose name says it holds a secret (BuildKit's check).

    BuildKit's `SecretsUsedInArgOrEnv` check. Off by default: DL3064 reports the same names
    under hadolint's code; select BK015 (or `SecretsUsedInArgOrEnv`) to get this code too.

    ## What it does
    Flags `ARG` and `ENV` names made of words separated by `_` where one word is `key`,
    `apikey`, `auth`, `token`, `secret`, `password`, `passwd`, `pword`, `credential` or
    `credentials` (in any case), such as `API_KEY` or `GITHUB_TOKEN`, unless a word is
    `public` or `file` (`PUBLIC_KEY`, `PASSWORD_FILE`: a path to a secret is not one).

    ## Why is this bad?
    Build arguments and environment variables are stored in the image: anyone who can pull it
    reads them with `docker history` or `docker inspect`. Secrets belong in build secrets
    (`RUN --mount=type=secret`) or in the runtime environment.

    ## Example
    ```dockerfile
    ARG NPM_TOKEN
    RUN echo "//registry.npmjs.org/:_authToken=$NPM_TOKEN" > .npmrc && npm ci
    ```

    ## Use instead
    ```dockerfile
    RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN \\
        echo "//registry.npmjs.org/:_authToken=$NPM_TOKEN" > .npmrc && npm ci
    ```
    """

    code = "BK015"
    name = "secret-name-in-arg-or-env"
    aliases = ("SecretsUsedInArgOrEnv",)
    level = Level.WARNING
    instructions = frozenset({"ARG", "ENV"})
    onbuild = False
    enabled_by_default = False

    def check(self, instruction: Instruction, ctx: Context) -> list[Finding]:
        findings = []
        for name, span in _names(instruction):
            if looks_secret(name):
                message = (
                    f"{instruction.keyword} {name} looks like a secret, and its value is kept "
                    "in the image: pass it with RUN --mount=type=secret instead"
                )
                findings.append(self.finding(span, message))
        return findings


def _names(instruction: Instruction) -> list[tuple[str, Span]]:
    arguments = instruction.arguments
    if not arguments:
        return []
    if instruction.keyword == "ENV" and "=" not in arguments[0].value:
        arguments = arguments[:1]
    names = []
    for argument in arguments:
        written = argument.value.partition("=")[0]
        name = written.replace('"', "").replace("'", "")
        span = argument.span
        if span.line == span.end_line:
            span = Span(span.line, span.column, span.line, span.column + len(written))
        names.append((name, span))
    return names
