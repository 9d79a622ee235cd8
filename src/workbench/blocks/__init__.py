"""Analysis blocks: the policy's "modules", one analysis per function family.

Each block is a plain function (or, where it learns, a scikit-learn style estimator) that
takes a DataFrame and returns tables with Korean headings, ready to publish, plus charts.

- :func:`profile`, :func:`profile_alerts`, :func:`profile_grid`, :func:`correlation_chart`,
  :func:`column_chart`, :func:`profile_charts` -- what a table holds, alerts first;
- :class:`EmissionAnomalyDetector`, :func:`robust_z` -- greenhouse-gas anomalies;
- :class:`PeerComparison`, :func:`billing_gaps`, :func:`bid_flags`,
  :func:`audit_ranking` -- apartment management-fee transparency;
- :class:`ClosureRiskModel`, :func:`closure_features`, :func:`time_split`,
  :func:`risk_tiers` -- small-business closure risk;
- :func:`flag_rules`, :class:`CrisisRiskModel`, :func:`group_metrics` -- welfare
  blind spots (rule flags, a risk model set for a target recall, fairness by group);
- :func:`sessionize`, :func:`funnel`, :func:`menu_pareto`, :func:`field_errors`,
  :func:`slow_pages`, :func:`completion_test` -- civil-complaint website usage;
- :func:`flag_overlaps`, :func:`review_queue`, :func:`rule_counts` -- unemployment-benefit
  signals for review (interval overlaps with evidence; never findings of fraud);
- :func:`regression` -- OLS or logit on any table, robust or clustered errors, diagnostics;
- :func:`did`, :func:`event_study` -- policy effects (two-way fixed effects, clustered);
- :func:`select_sites`, :func:`coverage_curve`, :func:`radius_sensitivity` -- EV
  charging-site selection (maximal covering location); :func:`demand_grid` builds its
  demand grid from published station lists, population and vehicles by 시군구;
- :func:`facility_months` -- facility-month rows from published facility emissions
  (명세서); :func:`year_month` -- months as agencies write them (202401, 2024.01) as
  ``YYYY-MM``;
- :func:`mask_complaints`, :class:`KoreanTokenizer`, :func:`keyword_counts`,
  :func:`rising_terms`, :class:`ComplaintTopics`, :class:`ComplaintRouter`,
  :func:`near_duplicates` -- civil-complaint text: masked first, tokenised with Kiwi,
  trends, topics, routing and campaigns.

Each family's input schema (pandera) is public too, e.g. :data:`FEES_SCHEMA`,
:data:`WEB_EVENTS_SCHEMA`, as are its default rules (:data:`DEFAULT_RULES` for welfare,
:data:`FRAUD_RULES` for benefit claims) and :data:`CLOSURE_FEATURES`.

Names are imported on first use, so ``wb.blocks.profile`` does not load PuLP (or Kiwi).
"""

from __future__ import annotations

from workbench._lazy import lazy_names

_LAZY = {
    "COLUMN_TYPES": "workbench.blocks._profile",
    "Profile": "workbench.blocks._profile",
    "column_chart": "workbench.blocks._profile_charts",
    "profile": "workbench.blocks._profile",
    "profile_charts": "workbench.blocks._profile_charts",
    "profile_grid": "workbench.blocks._profile_charts",
    "correlation_chart": "workbench.blocks._profile_charts",
    "profile_alerts": "workbench.blocks._profile_alerts",
    "correlations": "workbench.blocks._profile_alerts",
    "EmissionAnomalyDetector": "workbench.blocks._anomaly",
    "robust_z": "workbench.blocks._anomaly",
    "BIDS_SCHEMA": "workbench.blocks._fees",
    "FEES_SCHEMA": "workbench.blocks._fees",
    "INVOICES_SCHEMA": "workbench.blocks._fees",
    "PeerComparison": "workbench.blocks._fees",
    "audit_ranking": "workbench.blocks._fees",
    "bid_flags": "workbench.blocks._fees",
    "billing_gaps": "workbench.blocks._fees",
    "per_area_costs": "workbench.blocks._fees",
    "CLOSURE_FEATURES": "workbench.blocks._business_risk:FEATURES",
    "ClosureRiskModel": "workbench.blocks._business_risk",
    "closure_features": "workbench.blocks._business_risk",
    "closure_importance": "workbench.blocks._business_risk",
    "evaluate_closure": "workbench.blocks._business_risk",
    "risk_tiers": "workbench.blocks._business_risk",
    "time_split": "workbench.blocks._business_risk",
    "panel_schema": "workbench.blocks._business_risk",
    "WELFARE_SCHEMA": "workbench.blocks._welfare",
    "CrisisRiskModel": "workbench.blocks._welfare",
    "CrisisRule": "workbench.blocks._welfare",
    "DEFAULT_RULES": "workbench.blocks._welfare",
    "flag_rules": "workbench.blocks._welfare",
    "group_metrics": "workbench.blocks._welfare",
    "merge_small_groups": "workbench.blocks._welfare",
    "recall_threshold": "workbench.blocks._welfare",
    "WEB_EVENTS_SCHEMA": "workbench.blocks._web",
    "CompletionTest": "workbench.blocks._web",
    "completion_test": "workbench.blocks._web",
    "dwell_times": "workbench.blocks._web",
    "field_errors": "workbench.blocks._web",
    "funnel": "workbench.blocks._web",
    "menu_pareto": "workbench.blocks._web",
    "sessionize": "workbench.blocks._web",
    "slow_pages": "workbench.blocks._web",
    "CERTIFICATION_SCHEMA": "workbench.blocks._fraud",
    "CLAIM_SCHEMA": "workbench.blocks._fraud",
    "EMPLOYMENT_SCHEMA": "workbench.blocks._fraud",
    "FRAUD_RULES": "workbench.blocks._fraud:DEFAULT_RULES",
    "TRAVEL_SCHEMA": "workbench.blocks._fraud",
    "IntervalRule": "workbench.blocks._fraud",
    "flag_overlaps": "workbench.blocks._fraud",
    "overlap_intervals": "workbench.blocks._fraud",
    "precision_at_k": "workbench.blocks._fraud",
    "review_queue": "workbench.blocks._fraud",
    "rule_counts": "workbench.blocks._fraud",
    "Regression": "workbench.blocks._regression",
    "coefficient_table": "workbench.blocks._regression",
    "regression": "workbench.blocks._regression",
    "DiD": "workbench.blocks._did",
    "did": "workbench.blocks._did",
    "event_study": "workbench.blocks._did",
    "event_study_chart": "workbench.blocks._did",
    "DEMAND_GRID_SCHEMA": "workbench.blocks._sites",
    "SiteSelection": "workbench.blocks._sites",
    "coverage_curve": "workbench.blocks._sites",
    "radius_sensitivity": "workbench.blocks._sites",
    "select_sites": "workbench.blocks._sites",
    "demand_grid": "workbench.blocks._ev_grid",
    "facility_months": "workbench.blocks._emission_rows",
    "year_month": "workbench.blocks._emission_rows",
    "ADMIN_STOPWORDS": "workbench.blocks._text",
    "ADMIN_TERMS": "workbench.blocks._text",
    "POS_GROUPS": "workbench.blocks._text",
    "KoreanTokenizer": "workbench.blocks._text",
    "mask_complaints": "workbench.blocks._text",
    "region_words": "workbench.blocks._text",
    "token_documents": "workbench.blocks._text",
    "keyword_counts": "workbench.blocks._text_trends",
    "rising_terms": "workbench.blocks._text_trends",
    "ComplaintTopics": "workbench.blocks._text_topics",
    "ComplaintRouter": "workbench.blocks._text_routing",
    "RoutingReport": "workbench.blocks._text_routing",
    "least_sure": "workbench.blocks._text_routing",
    "routing_report": "workbench.blocks._text_routing",
    "split_by_date": "workbench.blocks._text_routing",
    "campaign_table": "workbench.blocks._text_campaigns",
    "near_duplicates": "workbench.blocks._text_campaigns",
    "one_per_campaign": "workbench.blocks._text_campaigns",
}

__all__ = sorted(_LAZY)

__getattr__, __dir__ = lazy_names(__name__, _LAZY)
