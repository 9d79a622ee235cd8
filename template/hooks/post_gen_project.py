"""Finish the project: level-specific files, course material, the template record.

The work lives in ``workbench.project`` (tested there). It stays valid Python before
rendering: the answers arrive in the comment line below, which
``workbench.project._hooks`` reads back from this rendered file.
"""

import sys
from pathlib import Path

from workbench.project import run_post_gen

# WORKBENCH-ANSWERS {{ cookiecutter | jsonify(none) }}

sys.exit(run_post_gen(Path(__file__), Path.cwd()))
