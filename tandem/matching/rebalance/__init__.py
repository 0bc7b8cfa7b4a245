"""Rebalancing: better mentors for pairings that should move, and rotation after a pairing ends.

One idea per module, lowest first (each imports only those above it):

- ``model``: the data — open pairings, suggestions, the plan, rotation suggestions;
- ``settings``: a lead's choices — pins, excludes, declined moves;
- ``plan``: which pairings may move and the optimal place for each;
- ``rotation``: the next mentor for mentees whose pairing completed;
- ``moves``: accept or decline a suggestion (audited transactions);
- ``words``: a suggestion in one sentence a lead can read aloud;
- ``queries``: what the page reads around the plan (names, loads, open pairings);
- ``frames``: the frames a plan is summarised in, shared by ``store`` and ``view``;
- ``store``: the plan the refresh computes and stores for page views;
- ``view``: a plan shaped for one viewer's page (scope, order, load changes).

Other packages import these names from :mod:`tandem.matching`.
"""
