"""Output formats for findings: ``text`` for people, ``json`` for tools."""
