"""Build work: commands that install, generate, download or compile, and belong in the build.

DP003 reads these tables to find such commands among what a container runs at start. A
command matches a step when its program (without directory or version suffix: ``pip3.12`` is
``pip``) is the step's program and its positional words (options left out) begin with the
step's words. Runners in front of a tool (``npx``, ``poetry run``, ``python -m``) are taken off
first. Database migrations are not here: they need the live database, so start-up is where
they run.
"""

from __future__ import annotations

from ..records import NamedTuple

INSTALL = "installs packages"
GENERATE = "generates code"
DOWNLOAD = "downloads files"
BUILD = "builds the application"

ADVICE = {
    INSTALL: "install them in a RUN step, so they ship in the image",
    GENERATE: "generate it in a RUN step (after copying its inputs), so the output ships in "
    "the image",
    DOWNLOAD: "download them in a RUN step, so they ship in the image",
    BUILD: "build in a RUN step (in a builder stage if you like) and copy the output",
}


class BuildStep(NamedTuple):
    """``program`` followed by ``words`` (fnmatch patterns) is build work of ``kind``.

    ``anywhere``: the single word may be any positional (Maven goals, ``mvn clean package``);
    ``alone``: the program with no positional word at all (``yarn`` installs); ``serves``: the
    command compiles and then runs the application itself (``go run``), so it is build work
    even when nothing follows it.
    """

    program: str
    words: tuple[str, ...]
    kind: str
    anywhere: bool = False
    alone: bool = False
    serves: bool = False


def _steps(programs: tuple[str, ...], words: tuple[str, ...], kind: str) -> list[BuildStep]:
    return [BuildStep(program, words, kind) for program in programs]


BUILD_STEPS: tuple[BuildStep, ...] = (
    # Python
    *_steps(("pip",), ("install",), INSTALL),
    BuildStep("uv", ("pip", "install"), INSTALL),
    BuildStep("uv", ("sync",), INSTALL),
    BuildStep("uv", ("add",), INSTALL),
    *_steps(("poetry", "pdm"), ("install",), INSTALL),
    *_steps(("poetry", "pdm"), ("add",), INSTALL),
    *_steps(("pipenv", "pdm"), ("sync",), INSTALL),
    BuildStep("pipenv", ("install",), INSTALL),
    *_steps(("conda", "mamba", "micromamba"), ("install",), INSTALL),
    *_steps(("conda", "mamba", "micromamba"), ("env", "create"), INSTALL),
    BuildStep("setup.py", ("install",), INSTALL),
    BuildStep("setup.py", ("develop",), INSTALL),
    BuildStep("setup.py", ("build*",), BUILD),
    # JavaScript
    *_steps(("npm",), ("install",), INSTALL),
    *_steps(("npm",), ("i",), INSTALL),
    *_steps(("npm",), ("ci",), INSTALL),
    *_steps(("npm",), ("add",), INSTALL),
    *_steps(("npm",), ("rebuild",), INSTALL),
    BuildStep("yarn", (), INSTALL, alone=True),
    *_steps(("yarn", "pnpm", "bun"), ("install",), INSTALL),
    *_steps(("yarn", "pnpm", "bun"), ("add",), INSTALL),
    *_steps(("pnpm", "bun"), ("i",), INSTALL),
    BuildStep("bower", ("install",), INSTALL),
    *_steps(("npm", "yarn", "pnpm", "bun"), ("run", "build"), BUILD),
    *_steps(("npm", "yarn", "pnpm", "bun"), ("run", "build:*"), BUILD),
    *_steps(("yarn", "pnpm"), ("build",), BUILD),
    *_steps(("yarn", "pnpm"), ("build:*",), BUILD),
    *_steps(("next", "nuxt", "nuxi", "vite", "ng", "remix", "astro"), ("build",), BUILD),
    # System packages
    *_steps(("apt-get", "apt", "aptitude"), ("install",), INSTALL),
    *_steps(("apt-get", "apt"), ("update",), INSTALL),
    *_steps(("apt-get", "apt"), ("upgrade",), INSTALL),
    *_steps(("apk",), ("add",), INSTALL),
    *_steps(("apk",), ("update",), INSTALL),
    *_steps(("apk",), ("upgrade",), INSTALL),
    *_steps(("yum", "dnf", "microdnf", "zypper"), ("install",), INSTALL),
    *_steps(("yum", "dnf"), ("update",), INSTALL),
    BuildStep("zypper", ("in",), INSTALL),
    # Other ecosystems
    *_steps(("gem",), ("install",), INSTALL),
    *_steps(("bundle", "bundler"), ("install",), INSTALL),
    *_steps(("composer",), ("install",), INSTALL),
    *_steps(("composer",), ("update",), INSTALL),
    *_steps(("composer",), ("require",), INSTALL),
    *_steps(("go",), ("get",), INSTALL),
    *_steps(("go",), ("mod", "download"), INSTALL),
    *_steps(("go",), ("build",), BUILD),
    *_steps(("go",), ("install",), BUILD),
    *_steps(("cargo",), ("build",), BUILD),
    *_steps(("cargo",), ("install",), INSTALL),
    *_steps(("mix",), ("deps.get",), INSTALL),
    *_steps(("dotnet",), ("restore",), INSTALL),
    *_steps(("dotnet",), ("build",), BUILD),
    *_steps(("dotnet",), ("publish",), BUILD),
    *(
        BuildStep(program, (goal,), BUILD, anywhere=True)
        for program in ("mvn", "mvnw")
        for goal in ("package", "install", "compile", "verify")
    ),
    *(
        BuildStep(program, (task,), BUILD, anywhere=True)
        for program in ("gradle", "gradlew")
        for task in ("build", "assemble", "bootJar", "jar", "shadowJar", "installDist")
    ),
    # Compile, then run: the build happens inside the start command
    BuildStep("go", ("run",), BUILD, serves=True),
    BuildStep("cargo", ("run",), BUILD, serves=True),
    BuildStep("dotnet", ("run",), BUILD, serves=True),
    *(
        BuildStep(program, (goal,), BUILD, anywhere=True, serves=True)
        for program in ("mvn", "mvnw")
        for goal in ("spring-boot:run", "exec:java", "quarkus:dev", "jetty:run")
    ),
    *(
        BuildStep(program, (task,), BUILD, anywhere=True, serves=True)
        for program in ("gradle", "gradlew")
        for task in ("bootRun", "run")
    ),
    # Code generation
    BuildStep("prisma", ("generate",), GENERATE),
    BuildStep("prisma", ("py", "generate"), GENERATE),
    BuildStep("sqlc", ("generate",), GENERATE),
    BuildStep("buf", ("generate",), GENERATE),
    # Downloads
    BuildStep("playwright", ("install",), DOWNLOAD),
    BuildStep("prisma", ("py", "fetch"), DOWNLOAD),
    BuildStep("puppeteer", ("browsers", "install"), DOWNLOAD),
    # Static assets and compiled resources of web frameworks
    *_steps(("manage.py", "django-admin", "django"), ("collectstatic",), BUILD),
    *_steps(("manage.py", "django-admin", "django"), ("compilemessages",), BUILD),
    *_steps(("manage.py", "django-admin", "django"), ("compress",), BUILD),
    *_steps(("rails", "rake"), ("assets:precompile",), BUILD),
)

# Goals that also run the application, so that the build step and the server are one command
# (`mvn package exec:java`, `gradle build bootRun`).
RUN_GOALS = frozenset(
    {"exec:java", "spring-boot:run", "jetty:run", "tomcat7:run", "quarkus:dev", "bootRun", "run"}
)

# Options with which a compile-and-run command skips the compile.
NO_BUILD_OPTIONS = frozenset({"--no-build"})

# Runners that run the tool named after them: program -> words to take off after it
# (() when the tool follows the program directly).
RUNNERS: dict[str, tuple[str, ...]] = {
    "npx": (),
    "bunx": (),
    "pnpx": (),
    "pnpm": ("exec",),
    "yarn": ("exec",),
    "npm": ("exec",),
    "poetry": ("run",),
    "pipenv": ("run",),
    "uv": ("run",),
    "pdm": ("run",),
    "hatch": ("run",),
    "bundle": ("exec",),
}
DLX_RUNNERS = {"pnpm": "dlx", "yarn": "dlx", "bun": "x"}
# Options of npx that take a value (npx -p prisma prisma generate).
RUNNER_VALUE_OPTIONS = frozenset({"-p", "--package", "-c", "--call"})
# Tools that `yarn <tool>`, `pnpm <tool>` and `bun <tool>` run from node_modules/.bin.
PACKAGE_BINARIES = frozenset(
    {"prisma", "playwright", "next", "nuxt", "nuxi", "vite", "ng", "puppeteer", "remix", "astro"}
)
PYTHON = frozenset({"python", "python2", "python3", "pypy", "pypy3"})

# Downloads of artifacts: URLs ending so, or piped into an extractor or a shell.
ARTIFACT_SUFFIXES = (
    ".tar.gz", ".tgz", ".tar.xz", ".txz", ".tar.bz2", ".tbz2", ".tar", ".zip", ".gz", ".xz",
    ".bz2", ".jar", ".war", ".whl", ".deb", ".rpm", ".apk", ".bin", ".so", ".AppImage",
    ".onnx", ".pt", ".safetensors", ".gguf",
)  # fmt: skip
DOWNLOADERS = frozenset({"curl", "wget"})
UNPACKERS = frozenset({"tar", "unzip", "gunzip", "bsdtar", "sh", "bash", "zsh", "dash"})
