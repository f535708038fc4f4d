import posixpath

from dockerfile_dlint.api import Context, Finding, Level, Rule, Stage, StartupCommand
from dockerfile_dlint.knowledge.servers import LOOPBACK, Listen, config_file_binds, listen


class ServerBindsLocalhost(Rule):
    """A server started by the container listens on 127.0.0.1 only.

    ## What it does
    Looks at what the container runs at start (`CMD`/`ENTRYPOINT`, through `sh -c` and the
    scripts they run) for known web servers — uvicorn, gunicorn, hypercorn, daphne,
    `flask run`, `manage.py runserver`, `python -m http.server`, `rails server`,
    `next start`, `vite preview`, `php -S` — and works out the address each listens on:
    from its flags, from the environment variables it reads (`UVICORN_HOST`,
    `FLASK_RUN_HOST`, `GUNICORN_CMD_ARGS` …), from a gunicorn config file copied into the
    image, or from its default. Reports the ones that listen on loopback only, explicitly
    (`--host 127.0.0.1`, `localhost`) or by default (uvicorn and `flask run` default to
    127.0.0.1).

    ## Why is this bad?
    Inside a container, 127.0.0.1 is the container's own loopback: nothing outside it — not
    the platform's router, not its health check, not `docker run -p` — can connect. The image
    builds and the server logs that it started, and the platform still kills the container
    for not listening on `$PORT`.

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    RUN pip install fastapi uvicorn
    COPY . /app
    WORKDIR /app
    CMD ["uvicorn", "main:app", "--port", "8080"]
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.12-slim
    RUN pip install fastapi uvicorn
    COPY . /app
    WORKDIR /app
    CMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "8080"]
    ```

    ## Fix
    Bind to all interfaces: `--host 0.0.0.0` (uvicorn, `flask run`), `--bind 0.0.0.0:$PORT`
    (gunicorn, hypercorn), `-b 0.0.0.0` (rails, daphne), `0.0.0.0:8000` (runserver).
    """

    code = "DP006"
    name = "server-binds-localhost"
    level = Level.ERROR

    def finish(self, ctx: Context) -> list[Finding]:
        findings = []
        for stage in ctx.stages:
            if not any(i.keyword in ("CMD", "ENTRYPOINT") for i in stage.instructions):
                continue
            final = ctx.final_state(stage)
            runtime: dict[str, str | None] = dict(final.env)
            runtime.update(dict.fromkeys(final.unknown_env))
            loopback = []
            public = False
            for started in ctx.startup_commands(stage):
                env = dict(runtime)
                for assignment in started.command.assignments:
                    name, _, value = assignment.value.partition("=")
                    env[name] = value if assignment.static else None
                where = listen(started.command, env)
                if where is None:
                    continue
                address = self._address(ctx, stage, started, where, env)
                if address is not None:
                    loopback.append(self._finding(started, where, address))
                elif where.host is None or not where.loopback_only:
                    public = True
            if not public:  # else the loopback one serves the public one, on purpose
                findings += loopback
        return findings

    def _address(
        self,
        ctx: Context,
        stage: Stage,
        started: StartupCommand,
        where: Listen,
        env: dict[str, str | None],
    ) -> tuple[str, str] | None:
        """(address, where it comes from) when the server listens on loopback only."""
        name = where.server.name
        if name == "gunicorn" and where.host_word is None:
            return self._gunicorn_settings(ctx, stage, started, env)
        if not where.loopback_only or where.host is None:
            return None
        if where.host_word is not None:
            return where.host, ""
        variable = where.server.host_env
        if variable and variable in env:
            return where.host, f" (from {variable})"
        return where.host, " (its default)"

    def _gunicorn_settings(
        self, ctx: Context, stage: Stage, started: StartupCommand, env: dict[str, str | None]
    ) -> tuple[str, str] | None:
        """gunicorn without -b: GUNICORN_CMD_ARGS, then a config file, decide."""
        arguments = env.get("GUNICORN_CMD_ARGS") or ""
        words = arguments.split()
        for index, flag in enumerate(words):
            if flag in ("-b", "--bind") or flag.startswith("--bind="):
                following = words[index + 1] if index + 1 < len(words) else ""
                bind = following if "=" not in flag else flag.partition("=")[2]
                host = bind.rpartition(":")[0] if ":" in bind else bind
                return (host, " (from GUNICORN_CMD_ARGS)") if host in LOOPBACK else None
        config = started.command.flag_value("-c", "--config") or "gunicorn.conf.py"
        config = config.removeprefix("python:")
        workdir = ctx.final_state(stage).workdir
        if not config.startswith("/"):
            if workdir is None:
                return None
            config = posixpath.join(workdir, config)
        found = ctx.image_file(stage, config)
        text = found.read(ctx.build_context) if found else None
        binds = config_file_binds(text) if text else None
        if not binds:
            return None
        hosts = [bind.rpartition(":")[0] if ":" in bind else bind for bind in binds]
        if all(host.strip("[]") in LOOPBACK or host in LOOPBACK for host in hosts):
            return hosts[0], f" (bind in {config})"
        return None

    def _finding(self, started: StartupCommand, where: Listen, address: tuple[str, str]) -> Finding:
        host, source = address
        if started.script is None and where.host_word is not None:
            span = where.host_word.span
        elif started.script is None and started.command.words:
            span = started.command.words[0].span
        else:
            span = started.anchor
        fix = f": use {where.server.fix}" if where.server.fix else ""
        message = (
            f"{where.server.name} listens on {host} only{source}{started.where}; nothing "
            f"outside the container can reach it, so the platform's port check fails{fix}"
        )
        return self.finding(span, message)
