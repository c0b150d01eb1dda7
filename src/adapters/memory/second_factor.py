"""The in-memory :class:`~questlog_core.identity.second_factor.SecondFactorRepository` of the
auth unit of work (:mod:`adapters.memory.identity`): same undo journal, same semantics as the
SQL adapter. Each method runs without an ``await`` inside, so the compare-and-sets are atomic.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Protocol, TypeVar

from questlog_core.identity.second_factor import RecoveryCode, SecondFactor, SignInChallenge
from questlog_core.ids import UserId

K = TypeVar("K")
V = TypeVar("V")


@dataclass
class SecondFactorState:
    """What the in-memory identity store keeps for two-step sign-in."""

    factors: dict[UserId, SecondFactor] = field(default_factory=dict)
    recovery_codes: dict[tuple[UserId, str], RecoveryCode] = field(default_factory=dict)
    challenges: dict[str, SignInChallenge] = field(default_factory=dict)


class _Journal(Protocol):
    @property
    def undo(self) -> list[Callable[[], None]]: ...


class InMemorySecondFactors:
    """Factors, recovery codes and challenges in a :class:`SecondFactorState`."""

    def __init__(self, state: SecondFactorState, journal: _Journal) -> None:
        self._state = state
        self._journal = journal

    def _set(self, mapping: dict[K, V], key: K, value: V | None) -> None:
        """Put ``value`` at ``key`` (``None``: remove it), with the undo step that restores
        the old value of that key only (concurrent units of work touch other keys)."""
        old = mapping.get(key)

        def undo() -> None:
            if old is None:
                mapping.pop(key, None)
            else:
                mapping[key] = old

        if value is None:
            mapping.pop(key, None)
        else:
            mapping[key] = value
        self._journal.undo.append(undo)

    async def get(self, user_id: UserId) -> SecondFactor | None:
        factor = self._state.factors.get(user_id)
        return factor.copy() if factor is not None else None

    async def put_pending(self, factor: SecondFactor) -> bool:
        current = self._state.factors.get(factor.user_id)
        if current is not None and current.enabled:
            return False
        self._set(self._state.factors, factor.user_id, factor.copy())
        return True

    async def confirm(self, user_id: UserId, at: datetime, step: int) -> bool:
        current = self._state.factors.get(user_id)
        if current is None or current.enabled:
            return False
        self._set(
            self._state.factors, user_id, replace(current, confirmed_at=at, last_used_step=step)
        )
        return True

    async def use_step(self, user_id: UserId, step: int) -> bool:
        current = self._state.factors.get(user_id)
        if current is None or (
            current.last_used_step is not None and step <= current.last_used_step
        ):
            return False
        self._set(self._state.factors, user_id, replace(current, last_used_step=step))
        return True

    async def remove(self, user_id: UserId) -> bool:
        if user_id not in self._state.factors:
            return False
        self._set(self._state.factors, user_id, None)
        for key in [k for k in self._state.recovery_codes if k[0] == user_id]:
            self._set(self._state.recovery_codes, key, None)
        return True

    async def replace_recovery_codes(self, codes: list[RecoveryCode]) -> None:
        owners = {c.user_id for c in codes}
        for key in [k for k in self._state.recovery_codes if k[0] in owners]:
            self._set(self._state.recovery_codes, key, None)
        for code in codes:
            self._set(self._state.recovery_codes, (code.user_id, code.code_hash), code.copy())

    async def use_recovery_code(self, user_id: UserId, code_hash: str, at: datetime) -> bool:
        current = self._state.recovery_codes.get((user_id, code_hash))
        if current is None or current.used_at is not None:
            return False
        self._set(self._state.recovery_codes, (user_id, code_hash), replace(current, used_at=at))
        return True

    async def recovery_codes_left(self, user_id: UserId) -> int:
        return sum(
            1
            for (owner, _), code in self._state.recovery_codes.items()
            if owner == user_id and code.used_at is None
        )

    async def add_challenge(self, challenge: SignInChallenge) -> None:
        self._set(self._state.challenges, challenge.token_hash, challenge.copy())

    async def forget_challenges(self, user_id: UserId, *, ended_before: datetime) -> int:
        old = [
            key
            for key, c in self._state.challenges.items()
            if c.user_id == user_id
            and (
                c.expires_at < ended_before or (c.used_at is not None and c.used_at < ended_before)
            )
        ]
        for key in old:
            self._set(self._state.challenges, key, None)
        return len(old)

    async def challenge(self, token_hash: str) -> SignInChallenge | None:
        found = self._state.challenges.get(token_hash)
        return found.copy() if found is not None else None

    async def spend_challenge(self, token_hash: str, at: datetime) -> bool:
        current = self._state.challenges.get(token_hash)
        if current is None or current.used_at is not None:
            return False
        self._set(self._state.challenges, token_hash, replace(current, used_at=at))
        return True

    async def fail_challenge(self, token_hash: str) -> int:
        current = self._state.challenges.get(token_hash)
        if current is None:
            return 0
        updated = replace(current, failures=current.failures + 1)
        self._set(self._state.challenges, token_hash, updated)
        return updated.failures


__all__ = ["InMemorySecondFactors", "SecondFactorState"]
