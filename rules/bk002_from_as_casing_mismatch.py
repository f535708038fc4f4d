from dockerfile_dlint.api import Context, Finding, Instruction, Level, Rule


class FromAsCasingMismatch(Rule):
    """The `AS` of a FROM is not written in the same case as `FROM`.

    BuildKit's `FromAsCasing` check.

    ## What it does
    Flags `FROM image as name` (and `from image AS name`): when the `FROM` keyword is all
    upper-case or all lower-case, the `AS` keyword should be written the same way. A keyword
    in mixed case (`From`) is left to the instruction-casing check.

    ## Why is this bad?
    Docker accepts either case, but a file that mixes them reads as careless, and a search for
    `AS builder` misses `as builder`.

    ## Example
    ```dockerfile
    FROM node:22 as build
    ```

    ## Use instead
    ```dockerfile
    FROM node:22 AS build
    ```
    """

    code = "BK002"
    name = "from-as-casing-mismatch"
    aliases = ("FromAsCasing",)
    level = Level.WARNING
    instructions = frozenset({"FROM"})
    onbuild = False

    def check(self, instruction: Instruction, ctx: Context) -> list[Finding]:
        arguments = instruction.arguments
        if len(arguments) != 3 or arguments[1].value.lower() != "as":
            return []
        keyword = instruction.keyword_text
        as_word = arguments[1]
        if keyword == keyword.upper():
            wanted = as_word.value.upper()
        elif keyword == keyword.lower():
            wanted = as_word.value.lower()
        else:
            return []
        if as_word.value == wanted:
            return []
        message = f"'{as_word.value}' does not match the case of '{keyword}': write {wanted}"
        return [self.finding(as_word.span, message)]
