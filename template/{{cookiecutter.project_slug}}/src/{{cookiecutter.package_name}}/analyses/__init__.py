"""The standard analyses this package publishes (entry point ``workbench.analyses``).

Each ``.ipynb`` here is one analysis: ``workbench analyses`` lists it with this package's
name and version as its origin, and ``workbench run NAME`` runs it from any folder.
"""
