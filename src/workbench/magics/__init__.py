"""IPython magics: ``%load_ext workbench`` (issue 8)."""
