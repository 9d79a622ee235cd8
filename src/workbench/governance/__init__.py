"""Who agreed: data-sharing grants, trusted keys, signed release decisions.

Below the catalog and ethics layers (they call it), above the base layer. The pieces:

- :mod:`._keys` — Ed25519 key pairs (``workbench keys new``), private keys outside projects;
- :mod:`._trust` — ``trust.yml``: whose public key counts, for which agency and role;
- :mod:`._grants` — requests, signed grants and refusals, and the check a load passes;
- :mod:`._decisions` — signed checker decisions and the rule of independent checkers;
- :mod:`._release` — ``release.zip`` with ``release.json``, and its verification.
"""

from __future__ import annotations

from workbench._lazy import lazy_names

_LAZY = {
    "DECISIONS": "workbench.governance._decisions",
    "PASSPHRASE_ENV": "workbench.governance._keys",
    "ROLE_LABELS": "workbench.governance._keys",
    "digest": "workbench.governance._signing",
    "particle": "workbench.governance._korean",
    "public_key_text": "workbench.governance._signing",
    "sign_decision": "workbench.governance._decisions",
    "tally": "workbench.governance._decisions",
    "verify_release": "workbench.governance._release",
    "write_release": "workbench.governance._release",
    "GovernanceError": "workbench.governance._errors",
    "GrantError": "workbench.governance._errors",
    "VerifyError": "workbench.governance._errors",
    "KeyCard": "workbench.governance._keys",
    "keys_dir": "workbench.governance._keys",
    "list_keys": "workbench.governance._keys",
    "load_key": "workbench.governance._keys",
    "new_key": "workbench.governance._keys",
    "Person": "workbench.governance._trust",
    "Trust": "workbench.governance._trust",
    "load_trust": "workbench.governance._trust",
    "GRANTS_DIR": "workbench.governance._grants",
    "find_grant": "workbench.governance._grants",
    "project_name": "workbench.governance._grants",
    "require_grant": "workbench.governance._grants",
    "short_id": "workbench.governance._grants",
    "sign_grant": "workbench.governance._grants",
    "write_request": "workbench.governance._grants",
}

__all__ = sorted(_LAZY)

__getattr__, __dir__ = lazy_names(__name__, _LAZY)
