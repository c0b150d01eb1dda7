"""The local rule-based fallback: answers without any model, and says so.

Each answer type it can produce has a *rule*: a plain function from the request (it reads the
unescaped user data in ``request.data``, never the prompt) to a value of that type. Answers are
labelled ``provider="local"``, ``model="rules"``, ``degraded=True`` and cost no tokens. A type
with no rule is a :class:`ProviderFailure`, not an invented answer: the chain then reports that
no language model could answer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from questlog_core.ports.ai import LlmAnswer, LlmRequest, ProviderFailure

T = TypeVar("T")

PROVIDER = "local"

#: A local rule: the request in, a value of the rule's answer type out.
LocalRule = Callable[[LlmRequest], Any]


class LocalLanguageModel:
    """Answers the types it has rules for, always ``degraded``."""

    provider = PROVIDER
    model = "rules"

    def __init__(self, rules: Mapping[type[Any], LocalRule] | None = None) -> None:
        self._rules: dict[type[Any], LocalRule] = dict(rules or {})

    def register(self, schema: type[T], rule: Callable[[LlmRequest], T]) -> None:
        """Answer ``schema`` with ``rule`` from now on (services register theirs at bootstrap)."""
        self._rules[schema] = rule

    def answers(self, schema: type[Any]) -> bool:
        """Whether a rule exists for ``schema``."""
        return schema in self._rules

    async def complete(self, request: LlmRequest, schema: type[T]) -> LlmAnswer[T]:
        """The rule's answer, labelled degraded; ``ProviderFailure`` when there is no rule."""
        rule = self._rules.get(schema)
        if rule is None:
            name = getattr(schema, "__name__", repr(schema))
            raise ProviderFailure(PROVIDER, f"no local rule answers {name}")
        value = rule(request)
        if not isinstance(value, schema):
            raise TypeError(f"the local rule for {schema!r} returned {type(value)!r}")
        return LlmAnswer(value=value, provider=PROVIDER, model=self.model, degraded=True)


__all__ = ["LocalLanguageModel", "LocalRule"]
