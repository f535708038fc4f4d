from dockerfile_dlint.api import Context, Finding, Level, Rule


class ParseError(Rule):
    """The file cannot be read as a Dockerfile, in whole or in part.

    ## What it does
    Reports what Docker's parser would reject or misread: bytes that are not UTF-8, NUL bytes,
    binary data, an unknown instruction, a JSON array with non-string items, a heredoc that is
    never terminated, a repeated or invalid parser directive. The rest of the file is still
    linted wherever it can be read.

    ## Why is this bad?
    Docker stops the build at the first of these, often after minutes of earlier steps, or
    silently runs something other than what was written.

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    RUNN pip install flask
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.12-slim
    RUN pip install flask
    ```
    """

    code = "DL1000"
    name = "parse-error"
    level = Level.ERROR

    def finish(self, ctx: Context) -> list[Finding]:
        return [self.finding(problem.span, problem.message) for problem in ctx.dockerfile.problems]
