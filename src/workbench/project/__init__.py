"""Standard analysis projects: the template, ``new``, ``update``, ``doctor`` (issue 7)."""
