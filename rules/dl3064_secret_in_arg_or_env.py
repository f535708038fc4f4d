from dockerfile_dlint.api import Context, Finding, Instruction, Level, Rule, Span

# Variable names that well-known tools read credentials from.
KNOWN_SECRETS = frozenset(
    {
        *("ACCESS_TOKEN", "APPLICATION_KEY", "APP_SECRET", "AUTH_TOKEN", "AWS_ACCESS_KEY_ID"),
        *("AWS_SECRET_ACCESS_KEY", "BITTREX_API_KEY", "BITTREX_API_SECRET", "CF_PASSWORD"),
        *("CF_USERNAME", "CIRCLE_TOKEN", "CI_DEPLOY_PASSWORD", "CI_DEPLOY_USER"),
        *("DOCKERHUB_PASSWORD", "DOCKER_EMAIL", "DOCKER_PASSWORD", "DOCKER_USERNAME"),
        *("FACEBOOK_ACCESS_TOKEN", "FACEBOOK_APP_ID", "FACEBOOK_APP_SECRET"),
        *("FIREBASE_API_TOKEN", "FIREBASE_TOKEN", "FOSSA_API_KEY", "GH_ENTERPRISE_TOKEN"),
        *("GH_TOKEN", "GITHUB_ENTERPRISE_TOKEN", "GITHUB_TOKEN", "HEROKU_API_KEY"),
        *("HEROKU_API_USER", "NPM_AUTH_TOKEN", "NPM_TOKEN", "OKTA_AUTHN_GROUPID"),
        *("OKTA_CLIENT_ORGURL", "OKTA_CLIENT_TOKEN", "OKTA_OAUTH2_CLIENTID"),
        *("OKTA_OAUTH2_CLIENTSECRET", "OPENAI_API_KEY", "OS_PASSWORD", "OS_USERNAME"),
        *("POSTGRES_PASSWORD", "SLACK_TOKEN", "STRIPE_API_KEY", "STRIPE_DEVICE_NAME"),
        *("TRAVIS_OS_NAME", "TRAVIS_SECURE_ENV_VARS", "TRAVIS_SUDO", "VAULT_CLIENT_KEY"),
        "VAULT_TOKEN",
    }
)
# Parts of a name that suggest a credential.
SUSPICIOUS_PARTS = ("api_key", "client_key", "password", "private", "secret", "token", "username")
# Longer words that merely start with a suspicious part.
INNOCENT_WORDS = ("secretar", "tokeniz")
# Suffixes of names that hold where a secret is, not the secret.
POINTER_SUFFIXES = ("_file", "_path")
BOOLEANS = frozenset({"true", "false", "yes", "no", "on", "off", "0", "1"})


class SecretInArgOrEnv(Rule):
    """ARG or ENV with a name that suggests a secret.

    ## What it does
    Flags `ARG` and `ENV` variables whose name is a well-known credential variable
    (`GITHUB_TOKEN`, `AWS_SECRET_ACCESS_KEY`, `NPM_TOKEN` …) or contains `password`,
    `secret`, `token`, `api_key`, `client_key`, `private` or `username`. Names that point to
    where a secret is (`DB_PASSWORD_FILE`, `SECRET_PATH`), `ENV` values that are only a
    switch (`ALLOW_EMPTY_PASSWORD=no`) or a file path, and words such as `SECRETARY` or
    `TOKENIZERS` are not flagged.

    ## Why is this bad?
    `ENV` values are stored in the image's configuration and `ARG` values in its build
    history: anyone who can pull the image can read them with `docker inspect` or
    `docker history`. A secret baked in that way cannot be revoked by rebuilding.

    ## Example
    ```dockerfile
    FROM node:22-slim
    ARG NPM_TOKEN
    RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci
    ```

    ## Use instead
    ```dockerfile
    FROM node:22-slim
    RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
    ```
    """

    code = "DL3064"
    name = "secret-in-arg-or-env"
    level = Level.WARNING
    instructions = frozenset({"ARG", "ENV"})

    def check(self, instruction: Instruction, ctx: Context) -> list[Finding]:
        findings = []
        for name, value, span in _variables(instruction):
            if not _suspicious(name):
                continue
            if instruction.keyword == "ENV" and _harmless(value):
                continue
            findings.append(
                self.finding(
                    span,
                    f"{instruction.keyword} {name} looks like a secret, and anyone with the "
                    "image can read it: pass secrets with RUN --mount=type=secret, or at run "
                    "time",
                )
            )
        return findings


def _suspicious(name: str) -> bool:
    if name.upper() in KNOWN_SECRETS:
        return True
    lowered = name.lower()
    if lowered.endswith(POINTER_SUFFIXES):
        return False
    for part in SUSPICIOUS_PARTS:
        start = lowered.find(part)
        while start >= 0:
            if not lowered.startswith(INNOCENT_WORDS, start):
                return True
            start = lowered.find(part, start + 1)
    return False


def _harmless(value: str) -> bool:
    """A value that is a switch or a file path, not a secret."""
    text = value.strip().strip("\"'")
    return text.lower() in BOOLEANS or text.startswith(("/", "./", "~/"))


def _variables(instruction: Instruction) -> list[tuple[str, str, Span]]:
    """Each variable's name, raw value and the span of its name."""
    arguments = instruction.arguments
    if not arguments:
        return []
    first = arguments[0]
    if instruction.keyword == "ENV" and "=" not in first.value:
        return [(first.value, instruction.text.text[len(first.value) :], first.span)]
    variables = []
    for argument in arguments:
        name, _, value = argument.value.partition("=")
        span = argument.span
        variables.append(
            (name, value, Span(span.line, span.column, span.line, span.column + len(name)))
        )
    return variables
