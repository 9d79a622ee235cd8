"""The no-code page for officials (Voilà + ipywidgets) (issue 8)."""
