"""Questlog's pure domain: quests, dependencies, the game and the ranking.

This package does no I/O. Time, ids and everything outside the process reach it
through the ports in :mod:`questlog_core.ports`; adapters implement them.
"""

__version__ = "0.1.0"
