"""Experiments (A/B tests), part of the analytics context: deterministic assignment, exposures
recorded once, per-variant summaries with confidence intervals (see :mod:`.model`,
:mod:`.stats`, :mod:`.ports`, :mod:`.use_cases`, :mod:`.messages`)."""
