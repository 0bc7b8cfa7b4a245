"""Pairing health: the settings, the formula and its inputs, the stored verdicts, the
explanation of one score, the nudge list, the lead's queue and flags.

Other packages (components, the refresh, tests, bench) import from here:

- ``settings``: the tunable ``health`` setting and the policy it decides
  (``at_risk_line``, ``stalled_health_cap``, ``watched_statuses``);
- ``inputs``: the grouped SQL the formula reads;
- ``formula``: ``health_frame`` (every verdict, computed) and ``describe_formula``;
- ``verdicts``: stalled / at risk / flagged / on track, in words;
- ``snapshots``: ``refresh_health`` and the stored month ends of the trend;
- ``explain``: one pairing's score taken apart;
- ``nudges``: who to remind to meet;
- ``stalled``: the queue, counts, distribution and trend the Stalled page reads;
- ``flags``: the flag workflow.
"""

from tandem.health.explain import explain_pairing
from tandem.health.flags import (
    MAX_NAME,
    MAX_TEXT,
    OPEN_FLAG_STATUSES,
    TRANSITIONS,
    FlagError,
    StaleFlagError,
    flag_as_dict,
    is_resolved,
    raise_flag,
    update_flag,
)
from tandem.health.formula import describe_formula, health_frame, no_contact_limit
from tandem.health.nudges import NUDGE_COLUMNS, nudge_list
from tandem.health.settings import (
    COMPONENT_LABELS,
    COMPONENTS,
    DEFAULT_HEALTH_SETTINGS,
    SECTION_LABELS,
    SETTINGS_KEY,
    STALL_RULES,
    STALLABLE_STATUSES,
    at_risk_line,
    health_settings,
    save_health_settings,
    setting_label,
    setting_step,
    stalled_health_cap,
    validate_health_settings,
    watched_statuses,
)
from tandem.health.snapshots import (
    TREND_MONTHS,
    HealthReport,
    history_month_ends,
    refresh_health,
    trend_days,
)
from tandem.health.stalled import (
    FLAG_COLUMNS,
    VERDICT_COUNT_COLUMNS,
    HealthAsOf,
    HealthDistribution,
    QueueCounts,
    QueuePage,
    filtered_nudge_list,
    health_as_of,
    health_distribution,
    pairing_flag_rows,
    queue_counts,
    stall_trend,
    stalled_queue,
)
from tandem.health.verdicts import (
    AT_RISK,
    FLAGGED,
    ON_TRACK,
    STALLED,
    VERDICT_LABELS,
    verdict,
    verdict_label,
)

__all__ = [
    "AT_RISK",
    "COMPONENTS",
    "COMPONENT_LABELS",
    "DEFAULT_HEALTH_SETTINGS",
    "FLAGGED",
    "FLAG_COLUMNS",
    "MAX_NAME",
    "MAX_TEXT",
    "NUDGE_COLUMNS",
    "ON_TRACK",
    "OPEN_FLAG_STATUSES",
    "SECTION_LABELS",
    "SETTINGS_KEY",
    "STALLABLE_STATUSES",
    "STALLED",
    "STALL_RULES",
    "TRANSITIONS",
    "TREND_MONTHS",
    "VERDICT_COUNT_COLUMNS",
    "VERDICT_LABELS",
    "FlagError",
    "HealthAsOf",
    "HealthDistribution",
    "HealthReport",
    "QueueCounts",
    "QueuePage",
    "StaleFlagError",
    "at_risk_line",
    "describe_formula",
    "explain_pairing",
    "filtered_nudge_list",
    "flag_as_dict",
    "health_as_of",
    "health_distribution",
    "health_frame",
    "health_settings",
    "history_month_ends",
    "is_resolved",
    "no_contact_limit",
    "nudge_list",
    "pairing_flag_rows",
    "queue_counts",
    "raise_flag",
    "refresh_health",
    "save_health_settings",
    "setting_label",
    "setting_step",
    "stall_trend",
    "stalled_health_cap",
    "stalled_queue",
    "trend_days",
    "update_flag",
    "validate_health_settings",
    "verdict",
    "verdict_label",
    "watched_statuses",
]
