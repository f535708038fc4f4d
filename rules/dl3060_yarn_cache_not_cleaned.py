from collections.abc import Iterator
from functools import partial

from dockerfile_dlint.api import Context, Finding, Instruction, Level, Rule
from dockerfile_dlint.knowledge.package_managers import (
    cache_mounted,
    invocations,
    mentions,
    run_commands,
    ships,
    uncleaned,
)


class YarnCacheNotCleaned(Rule):
    """yarn install is not followed by yarn cache clean.

    ## What it does
    Flags a `RUN` whose last `yarn install` is not followed, in the same `RUN`, by
    `yarn cache clean` or by removing yarn's cache directory. A cache mount on the cache
    (`--mount=type=cache,target=/usr/local/share/.cache/yarn`, `~/.cache/yarn`, the folder in
    `YARN_CACHE_FOLDER` or `--cache-folder`, or a parent of them) keeps it out of the image
    and is fine, and so is a builder stage that no image is built on (only `COPY --from`
    reads it).

    ## Why is this bad?
    yarn keeps a copy of every package it downloads in its global cache. After the install
    the copy is useless in the image, yet it ships in the layer and often weighs as much as
    `node_modules` itself.

    ## Example
    ```dockerfile
    FROM node:20-slim
    COPY package.json yarn.lock ./
    RUN yarn install --frozen-lockfile
    ```

    ## Use instead
    ```dockerfile
    FROM node:20-slim
    COPY package.json yarn.lock ./
    RUN yarn install --frozen-lockfile && yarn cache clean
    ```
    """

    code = "DL3060"
    name = "yarn-cache-not-cleaned"
    level = Level.INFO
    instructions = frozenset({"RUN"})

    def check(self, instruction: Instruction, ctx: Context) -> Iterator[Finding]:
        if not mentions(instruction, "yarn") or not ships(ctx.stage(instruction), ctx.stages):
            return
        expand = partial(ctx.expand, instruction)
        commands = run_commands(instruction, ctx.shell(instruction))
        installs = [
            read
            for read in invocations(commands, "yarn", expand=expand)
            if read.subcommand == "install"
        ]
        if not installs:
            return
        folder = ctx.state(instruction).variables.get("YARN_CACHE_FOLDER")
        extra = [value for read in installs for value in read.option_values("--cache-folder")]
        extra += [folder] if folder else []
        if cache_mounted(instruction, "yarn", extra):
            return
        read = uncleaned(installs, commands, "yarn", extra)
        if read is not None:
            yield self.finding(
                read.span,
                "yarn install leaves yarn's package cache in the image: end this RUN with "
                "yarn cache clean",
            )
