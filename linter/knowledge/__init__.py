"""Facts about tools, as data: what package managers, servers and build tools do.

Rules read these modules (``from dockerfile_dlint.knowledge import …``) alongside
``dockerfile_dlint.api``; ``dlint smoke`` reads them too. Extending dlint's knowledge of a tool
means editing a table here, not a rule's logic.
"""
