"""The integrations context: what connects a user's quests to the tools they already use.

Two kinds of integration live here: **calendar feeds** (a private iCalendar feed of the user's
quests with due dates, and importing ``.ics`` to-dos) and **webhooks** (the user's own HTTP
endpoints, sent the quest and game events they chose, signed per Standard Webhooks). The
context keeps its own state (feeds, endpoints, deliveries) and learns about quests only from
the events the other services publish.
"""
