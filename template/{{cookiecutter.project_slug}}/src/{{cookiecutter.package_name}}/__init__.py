"""{{ cookiecutter.project_name }}: code that the notebooks use more than once (tested in tests/)."""
