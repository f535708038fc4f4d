"""dlint: a Dockerfile linter that knows what builds fine and breaks at deploy or boot."""

__version__ = "0.1.0"
