"""Refuse bad answers before cookiecutter writes any file.

The checks live in ``workbench.project`` (tested there); this file only hands them the
answers. It stays valid Python before rendering: the answers arrive in the comment
line below, which ``workbench.project._hooks`` reads back from this rendered file.
"""

import sys
from pathlib import Path

from workbench.project import run_pre_gen

# WORKBENCH-ANSWERS {{ cookiecutter | jsonify(none) }}

sys.exit(run_pre_gen(Path(__file__)))
