"""Moving in and out: importers from other task managers, exports, and erasing an account.

* :mod:`.drafts` — what an importer produces: :class:`~.drafts.QuestDraft` records (one per
  source record that maps), dependency edges between them, and a note for everything that
  did not map (:class:`~.drafts.Unmapped`). Pure values.
* :mod:`.taskwarrior`, :mod:`.todoist`, :mod:`.habitica` — parsers: bytes in, an
  :class:`~.drafts.ImportPlan` out. No I/O, no clock (``now`` is passed in).
* :mod:`.ports` and :mod:`.use_cases` — applying a plan to one owner's quests in units of
  work, idempotently (an external-id link per owner, source and record).
* :mod:`.export` — the owner's quests as Taskwarrior-compatible JSON.
* :mod:`.erasure` — every service deletes an erased account's rows when it hears
  ``AccountDeleted``.
"""
