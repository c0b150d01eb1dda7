"""Levels: a published XP curve and the features each level unlocks.

The default curve is Habitica's: reaching the next level from level L takes 25·L XP below
level 5, 150 XP at level 5, then round((0.25·L² + 10·L + 139.75) / 10) · 10 (rounding half
up, as JavaScript's ``Math.round``). A level depends only on total XP, so reversing XP can
take a level back; features stay unlocked by the *peak* level ever reached, so reopening a
quest never locks away templates a player already made.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import msgspec


class LevelProgress(msgspec.Struct, frozen=True, kw_only=True):
    """Where a total XP puts a player: their level and how far into it."""

    level: int
    total_xp: int
    xp_into_level: int
    xp_for_next: int


#: Feature unlocked at each level (the declared table; a deployment may pass its own).
DEFAULT_UNLOCKS: Mapping[int, tuple[str, ...]] = {
    2: ("categories",),
    3: ("templates",),
    5: ("weekly_insights",),
    7: ("custom_streak_rules",),
    10: ("custom_achievements",),
    15: ("custom_themes",),
    20: ("guild_challenges",),
}


@dataclass(frozen=True)
class LevelCurve:
    """XP needed per level and the unlock table. Subclass and override :meth:`xp_to_next`."""

    unlocks: Mapping[int, tuple[str, ...]] = field(default_factory=lambda: dict(DEFAULT_UNLOCKS))

    def xp_to_next(self, level: int) -> int:
        """XP needed to go from ``level`` to ``level + 1`` (Habitica's curve)."""
        if level < 1:
            raise ValueError("levels start at 1")
        if level < 5:
            return 25 * level
        if level == 5:
            return 150
        # (0.25·L² + 10·L + 139.75) / 10 = (L² + 40·L + 559) / 40; half up with integers only
        return ((level * level + 40 * level + 559 + 20) // 40) * 10

    def total_for(self, level: int) -> int:
        """Total XP at which ``level`` is reached (level 1 at 0 XP)."""
        return sum(self.xp_to_next(lv) for lv in range(1, level))

    def level_for(self, total_xp: int) -> int:
        """The level a total XP reaches."""
        level, threshold = 1, 0
        while True:
            step = self.xp_to_next(level)
            if total_xp < threshold + step:
                return level
            threshold += step
            level += 1

    def progress(self, total_xp: int) -> LevelProgress:
        """Level and the XP into it and needed for the next."""
        level = self.level_for(max(total_xp, 0))
        start = self.total_for(level)
        return LevelProgress(
            level=level,
            total_xp=total_xp,
            xp_into_level=max(total_xp, 0) - start,
            xp_for_next=self.xp_to_next(level),
        )

    def unlocked_at(self, level: int) -> tuple[str, ...]:
        """Features unlocked on reaching exactly ``level``."""
        return self.unlocks.get(level, ())

    def features_for(self, peak_level: int) -> tuple[str, ...]:
        """Every feature a player whose peak level is ``peak_level`` can use."""
        return tuple(f for lv in sorted(self.unlocks) if lv <= peak_level for f in self.unlocks[lv])

    def newly_unlocked(self, old_peak: int, new_peak: int) -> tuple[str, ...]:
        """Features unlocked by raising the peak level from ``old_peak`` to ``new_peak``."""
        return tuple(
            f for lv in sorted(self.unlocks) if old_peak < lv <= new_peak for f in self.unlocks[lv]
        )


DEFAULT_LEVEL_CURVE = LevelCurve()

__all__ = ["DEFAULT_LEVEL_CURVE", "DEFAULT_UNLOCKS", "LevelCurve", "LevelProgress"]
