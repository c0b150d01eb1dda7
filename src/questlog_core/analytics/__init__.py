"""The analytics context: what players do with Questlog, recorded from the events the other
services publish (quest lifecycle, AI feature use, notification opens), never by the request
that did it.

Its consumer takes each published event through the analytics inbox into its own rows (who,
what kind, when, a few small properties); queries summarise one player's rows (their own
insights and export) or every player's by day (the admins' daily actives and completions).
"""
