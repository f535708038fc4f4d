"""Not a rule, and never imported: the rules' bytecode bundle is kept where Python would cache
this module's bytecode, so that ``pip uninstall`` removes it with the package (see
``dockerfile_dlint.rulebundle``)."""
