"""How much XP a completion earns: one replaceable policy of named, documented defaults.

award = round(base[difficulty] × streak × timing × blocking × combo) → anti-farming → daily cap

* **base** by difficulty (trivial 5, easy 10, medium 20, hard 40, epic 80);
* **streak**: +2 % per streak day, at most +50 %;
* **timing**: early (done ≥ 24 h before due) ×1.25, else on time ×1.10, else overdue
  −10 % per started day late, never below ×0.50;
* **blocking**: the quest was on someone's critical path: +10 % per open quest it unblocked
  (at most +50 %), and a CRITICAL-priority quest earns at least ×1.20;
* **combo**: +5 % per quest already completed earlier the same local day, at most +25 %;
* **anti-farming**: a *quick* trivial quest (created and completed within 60 s) earns half as
  much as the previous quick trivial one that day (1, ½, ¼ … of its amount, rounding to 0);
* **daily cap**: the XP from one difficulty in one local day never exceeds its cap
  (trivial 50, easy 150, medium 400, hard 800, epic 1600); the rest of an award is dropped.

Every award stores its multipliers in the ledger, so it can be explained and reversed exactly.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import msgspec

from questlog_core.gamification.ledger import Multiplier

DIFFICULTIES: tuple[str, ...] = ("trivial", "easy", "medium", "hard", "epic")

#: Priority value of CRITICAL in the quest model's ``Priority`` IntEnum.
CRITICAL_PRIORITY = 4


class CompletionContext(msgspec.Struct, frozen=True, kw_only=True):
    """What the policy needs to know about one completion and the player's day so far."""

    difficulty: str
    priority: int
    due: datetime | None
    completed_at: datetime
    created_at: datetime
    on_time: bool
    unblocked_count: int = 0
    #: the player's streak before this completion
    streak_days: int = 0
    #: live awards earlier in the same local day
    completed_earlier_today: int = 0
    #: live *quick trivial* awards earlier in the same local day
    quick_earlier_today: int = 0
    #: XP already awarded today for quests of this difficulty
    awarded_today_for_difficulty: int = 0


class XpAward(msgspec.Struct, frozen=True, kw_only=True):
    """The outcome: an amount and the factors that produced it."""

    amount: int
    base: int
    multipliers: tuple[Multiplier, ...]
    reason: str
    capped: bool = False
    quick: bool = False


def _round_half_up(value: float) -> int:
    return math.floor(value + 0.5)


@dataclass(frozen=True, kw_only=True)
class XpPolicy:
    """Every number of the XP rule. Replace the object (``dataclasses.replace``) to tune it."""

    base_by_difficulty: Mapping[str, int] = field(
        default_factory=lambda: {"trivial": 5, "easy": 10, "medium": 20, "hard": 40, "epic": 80}
    )
    streak_bonus_per_day: float = 0.02
    streak_bonus_cap: float = 0.50
    on_time_multiplier: float = 1.10
    early_multiplier: float = 1.25
    early_threshold: timedelta = timedelta(hours=24)
    overdue_penalty_per_day: float = 0.10
    overdue_floor: float = 0.50
    blocking_bonus_per_quest: float = 0.10
    blocking_bonus_cap: float = 0.50
    critical_priority_multiplier: float = 1.20
    combo_bonus_per_quest: float = 0.05
    combo_bonus_cap: float = 0.25
    quick_window: timedelta = timedelta(seconds=60)
    quick_difficulties: frozenset[str] = frozenset({"trivial"})
    quick_decay: float = 0.5
    daily_cap_by_difficulty: Mapping[str, int] = field(
        default_factory=lambda: {
            "trivial": 50,
            "easy": 150,
            "medium": 400,
            "hard": 800,
            "epic": 1600,
        }
    )

    def base(self, difficulty: str) -> int:
        """Base XP of a difficulty; an unknown difficulty earns the medium base."""
        return self.base_by_difficulty.get(difficulty, self.base_by_difficulty["medium"])

    def is_quick(self, ctx: CompletionContext) -> bool:
        """Created and completed within the quick window, at a farmable difficulty."""
        return (
            ctx.difficulty in self.quick_difficulties
            and ctx.completed_at - ctx.created_at <= self.quick_window
        )

    def multipliers(self, ctx: CompletionContext) -> list[Multiplier]:
        """The factors (other than anti-farming) that apply; factors of exactly 1 are left out."""
        out: list[Multiplier] = []
        streak = min(ctx.streak_days * self.streak_bonus_per_day, self.streak_bonus_cap)
        if streak > 0:
            out.append(Multiplier("streak", 1.0 + streak))
        if ctx.due is not None:
            if ctx.completed_at <= ctx.due and ctx.on_time:
                if ctx.due - ctx.completed_at >= self.early_threshold:
                    out.append(Multiplier("early", self.early_multiplier))
                else:
                    out.append(Multiplier("on_time", self.on_time_multiplier))
            else:
                late = max(ctx.completed_at - ctx.due, timedelta(0))
                days = max(1, math.ceil(late / timedelta(days=1)))
                factor = max(1.0 - days * self.overdue_penalty_per_day, self.overdue_floor)
                out.append(Multiplier("overdue", factor))
        blocking = 1.0 + min(
            max(ctx.unblocked_count, 0) * self.blocking_bonus_per_quest, self.blocking_bonus_cap
        )
        if ctx.priority >= CRITICAL_PRIORITY:
            blocking = max(blocking, self.critical_priority_multiplier)
        if blocking > 1.0:
            out.append(Multiplier("blocking", blocking))
        combo = min(ctx.completed_earlier_today * self.combo_bonus_per_quest, self.combo_bonus_cap)
        if combo > 0:
            out.append(Multiplier("combo", 1.0 + combo))
        return out

    def standing_multipliers(self, streak_days: int, completed_today: int) -> list[Multiplier]:
        """The factors the player's own state puts on their next completion (streak and
        combo), before anything about the quest itself (timing, blocking) is known."""
        out: list[Multiplier] = []
        streak = min(max(streak_days, 0) * self.streak_bonus_per_day, self.streak_bonus_cap)
        if streak > 0:
            out.append(Multiplier("streak", 1.0 + streak))
        combo = min(max(completed_today, 0) * self.combo_bonus_per_quest, self.combo_bonus_cap)
        if combo > 0:
            out.append(Multiplier("combo", 1.0 + combo))
        return out

    def award(self, ctx: CompletionContext) -> XpAward:
        """The XP one completion earns, with its explanation."""
        base = self.base(ctx.difficulty)
        factors = self.multipliers(ctx)
        value = float(base)
        for m in factors:
            value *= m.factor
        quick = self.is_quick(ctx)
        reasons = [f"{ctx.difficulty} quest"]
        if quick:
            decay = self.quick_decay ** max(ctx.quick_earlier_today, 0)
            factors.append(Multiplier("quick_trivial", decay))
            value *= decay
            if ctx.quick_earlier_today:
                reasons.append("quick repeat (anti-farming)")
        amount = max(_round_half_up(value), 0)
        if amount == 0 and not quick:
            amount = 1  # every real completion earns something
        cap = self.daily_cap_by_difficulty.get(ctx.difficulty)
        capped = False
        if cap is not None:
            room = max(cap - ctx.awarded_today_for_difficulty, 0)
            if amount > room:
                amount, capped = room, True
                reasons.append(f"daily cap of {cap} XP for {ctx.difficulty} quests")
        return XpAward(
            amount=amount,
            base=base,
            multipliers=tuple(factors),
            reason="; ".join(reasons),
            capped=capped,
            quick=quick,
        )


DEFAULT_XP_POLICY = XpPolicy()

__all__ = [
    "CRITICAL_PRIORITY",
    "DEFAULT_XP_POLICY",
    "DIFFICULTIES",
    "CompletionContext",
    "XpAward",
    "XpPolicy",
]
