"""Experiments in the analytics service: ``/api/v1/analytics/experiments``.

Players ask which variant they are in (recording their exposure); admins define, start, stop
and read the summary of experiments (``experiments:manage``).
"""

EXPERIMENTS_PATH = "/api/v1/analytics/experiments"
