"""Sections of the Rebalancing page, one idea per module.

- ``reads``: the cached reads — the plan (stored or live), what it shows for a scope;
- ``page``: the workbench — the weights and everything they change, and the large-program guard;
- ``cards``: the headline numbers and the suggestions, a page of cards at a time;
- ``sections``: the Mentor load, Unresolved and Rotation tabs;
- ``actions``: accept, decline and refresh, and the outcome they leave;
- ``charts``: the components and load charts;
- ``pins``: the pinned and excluded pairings.

The weights editor itself is ``components.matching.weights`` (Admin uses it too).
"""

from components.matching.rebalance.page import size_guard, workbench
from components.matching.rebalance.pins import pins_and_excludes
from components.matching.rebalance.reads import current_fingerprint

__all__ = ["current_fingerprint", "pins_and_excludes", "size_guard", "workbench"]
