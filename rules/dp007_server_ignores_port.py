from dockerfile_dlint.api import Context, Finding, Level, Rule
from dockerfile_dlint.knowledge.servers import listen


class ServerIgnoresPort(Rule):
    """A server started by the container listens on a fixed port and ignores `$PORT`.

    ## What it does
    For the known web servers a container starts (see `server-binds-localhost`), works out the
    port each listens on — a `--port`/`--bind` value, the environment variable the server
    reads, or its default — and reports servers whose port is fixed while nothing in the
    command reads `$PORT`. Servers that use `$PORT` by themselves when it is set (gunicorn,
    `rails server`, `next start`) are not reported. Off by default: select it for images
    meant for platforms that assign the port, such as Cloud Run, App Runner or Heroku.

    ## Why is this bad?
    Such platforms tell the container which port to listen on through `$PORT` (Cloud Run:
    8080 unless configured) and send traffic and health checks there. A server fixed on
    8000 starts, logs that it is ready, and is killed because nothing answers on `$PORT`.

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    CMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "8000"]
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.12-slim
    CMD ["sh", "-c", "exec uvicorn main:app --host 0.0.0.0 --port ${PORT:-8000}"]
    ```
    """

    code = "DP007"
    name = "server-ignores-port"
    level = Level.INFO
    enabled_by_default = False

    def finish(self, ctx: Context) -> list[Finding]:
        findings = []
        for stage in ctx.stages:
            if not any(i.keyword in ("CMD", "ENTRYPOINT") for i in stage.instructions):
                continue
            final = ctx.final_state(stage)
            runtime: dict[str, str | None] = dict(final.env)
            runtime.update(dict.fromkeys(final.unknown_env))
            for started in ctx.startup_commands(stage):
                where = listen(started.command, runtime)
                if where is None or where.uses_port_env or where.port is None:
                    continue
                if where.port_word is not None and started.script is None:
                    span = where.port_word.span
                elif started.script is None and started.command.words:
                    span = started.command.words[0].span
                else:
                    span = started.anchor
                variable = where.server.port_env
                if where.port_word is not None:
                    source = ""
                elif variable and variable in runtime:
                    source = f" (from {variable})"
                else:
                    source = " (its default)"
                message = (
                    f"{where.server.name} listens on port {where.port}{source}{started.where} "
                    "and nothing reads $PORT; platforms such as Cloud Run send traffic to "
                    f"$PORT: listen on ${{PORT:-{where.port}}} instead"
                )
                findings.append(self.finding(span, message))
        return findings
