"""Data ethics: find personal information, and keep it out of published results.

Personal-information detection, pseudonymisation, re-identification risk, disclosure
control of outputs, and the findings that the release gate acts on.

Names are imported on first use (``wb.ethics.scan`` loads only the scanner).
"""

from __future__ import annotations

from workbench._lazy import lazy_names

_LAZY = {
    "Finding": "workbench.ethics._findings",
    "Location": "workbench.ethics._findings",
    "FINDINGS_MIME": "workbench.ethics._findings",
    "FIGURE_MIME": "workbench.ethics._findings",
    "MODEL_MIME": "workbench.ethics._findings",
    "IMAGE_MIMES": "workbench.ethics._outputs",
    "value_digest": "workbench.ethics._digest",
    "findings_from_output": "workbench.ethics._findings",
    "output_texts": "workbench.ethics._outputs",
    "model_records": "workbench.ethics._outputs",
    "KIND_LABELS": "workbench.ethics._rules",
    "EthicsRecord": "workbench.ethics._record",
    "load_ethics_record": "workbench.ethics._record",
    "EthicsRecordError": "workbench.ethics._record",
    # personal-information scan
    "scan": "workbench.ethics._scan",
    "ScanResult": "workbench.ethics._scan",
    "scan_text": "workbench.ethics._scan",
    "scan_output": "workbench.ethics._outputs",
    "html_tables": "workbench.ethics._outputs",
    "json_table": "workbench.ethics._outputs",
    "output_findings": "workbench.ethics._outputs",
    "scan_texts": "workbench.ethics._outputs",
    "scan_figure_texts": "workbench.ethics._outputs",
    "figure_texts_of": "workbench.ethics._outputs",
    "texts_hold_personal_information": "workbench.ethics._outputs",
    "mask": "workbench.ethics._scan",
    "mask_text": "workbench.ethics._masking",
    "mask_texts": "workbench.ethics._masking",
    # pseudonymisation and re-identification risk
    "pseudonymise": "workbench.ethics._pseudonymise",
    "risk": "workbench.ethics._risk",
    "k_anonymity": "workbench.ethics._risk",
    "l_diversity": "workbench.ethics._risk",
    "t_closeness": "workbench.ethics._risk",
    # disclosure control of outputs
    "crosstab": "workbench.ethics._disclosure",
    "pivot_table": "workbench.ethics._disclosure",
    "ols": "workbench.ethics._disclosure",
    "logit": "workbench.ethics._disclosure",
    "check_table": "workbench.ethics._disclosure",
    "model_record": "workbench.ethics._disclosure",
    "model_findings": "workbench.ethics._disclosure",
    "MODEL_ATTR": "workbench.ethics._findings",
    "DisclosureRules": "workbench.ethics._disclosure",
    "suppress": "workbench.ethics._suppression",
    "round_to_base": "workbench.ethics._suppression",
}

__all__ = sorted(_LAZY)

__getattr__, __dir__ = lazy_names(__name__, _LAZY)
