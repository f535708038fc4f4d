"""dlint's rule catalogue: one module per rule, discovered by the registry."""
