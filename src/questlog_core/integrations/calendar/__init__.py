"""Calendar feeds: each user's quests with due dates as a private iCalendar subscription.

The integrations service keeps its own copy of each quest a calendar needs
(:class:`~.model.CalendarEntry`) and of each user's time zone, fed by the quest and identity
events (:mod:`.projection`), never reading the quest or auth tables (the search service is the
precedent). A feed is reached by an unguessable token, stored only as its SHA-256
(:mod:`.model`); :mod:`.use_cases` creates, lists, rotates and revokes feeds and reads one;
rendering to RFC 5545 is a port (:class:`~.ports.CalendarRenderer`), implemented with the
``icalendar`` library in :mod:`adapters.ical`.
"""
