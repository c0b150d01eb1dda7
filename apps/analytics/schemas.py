"""Response bodies of the analytics service, built from the use cases' results
(``from_domain``), so the published contract changes only when this file does."""

from __future__ import annotations
