"""Each policy orders quests the way its rule says, and explains itself."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise

import numpy as np
import pytest

from questlog_core.errors import DependencyCycle, ValidationFailed
from questlog_core.prioritization import (
    POLICY_NAMES,
    DeadlineSlackPolicy,
    DependencyValuePolicy,
    EisenhowerPolicy,
    EnsemblePolicy,
    LearnedPolicy,
    RankingInput,
    UrgencyPolicy,
    WsjfPolicy,
    policy_named,
)

from .synthetic import history, learned_vs_default

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def days(n: float) -> datetime:
    return NOW + timedelta(days=n)


def quests(*records: dict[str, object]) -> RankingInput:
    base = {"created": days(-1)}
    return RankingInput.from_records([{**base, **r} for r in records])


@pytest.mark.parametrize("name", POLICY_NAMES)
def test_every_policy_explains_its_scores_exactly(name: str) -> None:
    data = quests(
        {"key": "rent", "due": days(-2), "priority": "high", "tags": ["bills"]},
        {"key": "report", "due": days(5), "priority": "medium", "depends_on": ["outline"]},
        {"key": "outline", "estimate_minutes": 90, "category": "work"},
        {"key": "piano", "priority": "low", "created": days(-400)},
        {"key": "deploy", "due": days(9), "depends_on": ["report"], "started": days(-1)},
    )
    ranking = policy_named(name).rank(data, NOW)
    assert ranking.contributions.shape == (5, len(ranking.factors))
    np.testing.assert_allclose(ranking.contributions.sum(axis=1), ranking.scores)
    assert sorted(ranking.order.tolist()) == [0, 1, 2, 3, 4]
    assert list(ranking.scores[ranking.order]) == sorted(ranking.scores, reverse=True)
    top = ranking.explain(int(ranking.order[0]))
    assert top.rank == 1
    assert sum(c.value for c in top.contributions) == pytest.approx(top.score)


def test_unknown_policy_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown policy"):
        policy_named("vibes")


def test_urgency_puts_overdue_high_priority_first_and_blocked_last() -> None:
    data = quests(
        {"key": "someday", "priority": "low"},
        {"key": "overdue", "due": days(-3), "priority": "high"},
        {"key": "blocked", "due": days(1), "depends_on": ["prereq"]},
        {"key": "prereq"},
    )
    ranking = UrgencyPolicy().rank(data, NOW)
    assert ranking.ranked_keys() == ["overdue", "prereq", "someday", "blocked"]
    # The prerequisite inherits the urgency of what it blocks, which waits on hold.
    blocked, prereq = ranking.explain("blocked"), ranking.explain("prereq")
    assert {c.factor for c in blocked.contributions} == {"due", "age", "on hold"}
    assert blocked.own_score == pytest.approx(blocked.score + 100.0)
    inherited = {c.factor: c.value for c in prereq.contributions}["inherited"]
    assert prereq.own_score is not None
    assert inherited == pytest.approx(blocked.own_score - prereq.own_score)
    # Taskwarrior's profile: blocking +8, blocked −5, no inheritance.
    tw = UrgencyPolicy.taskwarrior().rank(data, NOW)
    assert {c.factor for c in tw.explain("blocked").contributions} >= {"blocked"}
    assert tw.explain("blocked").own_score is None


def test_due_curve_rises_from_two_weeks_out_to_a_week_overdue() -> None:
    keys = ["far", "fortnight", "week", "today", "late", "very late"]
    offsets = [30, 14, 7, 0, -7, -30]
    data = quests(*({"key": k, "due": days(d)} for k, d in zip(keys, offsets, strict=True)))
    ranking = UrgencyPolicy.taskwarrior().rank(data, NOW)
    due = dict(zip(keys, ranking.contributions[:, ranking.factors.index("due")], strict=True))
    assert due["far"] == pytest.approx(12 * 0.2)
    assert due["fortnight"] == pytest.approx(12 * 0.2)
    assert due["week"] == pytest.approx(12 * (0.2 + 7 * 0.8 / 21))
    assert due["late"] == pytest.approx(12.0)
    assert due["very late"] == pytest.approx(12.0)


def test_slack_prefers_the_prerequisite_of_a_tight_deadline() -> None:
    data = quests(
        # 8 h of prep, then 4 h of talk, talk due in 2 days: prep has little slack.
        {"key": "prep slides", "estimate_minutes": 480},
        {
            "key": "give talk",
            "estimate_minutes": 240,
            "due": days(2),
            "depends_on": ["prep slides"],
        },
        {"key": "tax return", "estimate_minutes": 60, "due": days(2.5)},
        {"key": "no deadline", "estimate_minutes": 30},
    )
    ranking = DeadlineSlackPolicy(focus_hours_per_day=4).rank(data, NOW)
    assert ranking.ranked_keys() == ["prep slides", "give talk", "tax return", "no deadline"]
    prep = ranking.explain("prep slides")
    parts = {c.factor: c.value for c in prep.contributions}
    assert parts["time left"] == pytest.approx(-2.0)
    assert parts["critical-path work"] == pytest.approx(3.0)  # 12 h of work at 4 h a day
    assert prep.score == pytest.approx(1.0)  # a day behind


def test_eisenhower_quadrants_in_order_do_schedule_delegate_eliminate() -> None:
    data = quests(
        {"key": "eliminate", "priority": "low"},
        {"key": "delegate", "due": days(1)},
        {"key": "schedule", "priority": "high", "due": days(20)},
        {"key": "do", "priority": "high", "due": days(1)},
    )
    policy = EisenhowerPolicy()
    assert policy.rank(data, NOW).ranked_keys() == ["do", "schedule", "delegate", "eliminate"]
    labels = [policy.QUADRANTS[q] for q in policy.quadrants(data, NOW)]
    assert labels == ["eliminate", "delegate", "schedule", "do"]


def test_wsjf_prefers_the_short_valuable_job() -> None:
    data = quests(
        {"key": "big feature", "priority": "high", "estimate_minutes": 2400},
        {"key": "quick fix", "priority": "high", "estimate_minutes": 30},
        {"key": "quick chore", "priority": "none", "estimate_minutes": 30},
    )
    ranking = WsjfPolicy().rank(data, NOW)
    assert ranking.ranked_keys() == ["quick fix", "quick chore", "big feature"]


def test_dependency_value_flows_to_prerequisites_transitively() -> None:
    # launch <- build <- design: add the edge launch depends on build.
    data = RankingInput.from_records(
        [
            {"key": "launch", "priority": "critical", "due": days(1), "depends_on": ["build"]},
            {"key": "build", "depends_on": ["design"]},
            {"key": "design"},
            {"key": "unrelated"},
        ]
    )
    ranking = DependencyValuePolicy(decay=0.5).rank(data, NOW)
    unblocks = ranking.contributions[:, ranking.factors.index("unblocks")]
    launch_own = ranking.scores[0] - unblocks[0]
    assert unblocks[0] == 0.0
    assert unblocks[1] == pytest.approx(0.5 * launch_own)
    build_own = ranking.scores[1] - unblocks[1]  # blocked: negative, passes on nothing itself
    assert build_own < 0
    assert unblocks[2] == pytest.approx(0.5 * unblocks[1])
    assert ranking.ranked_keys().index("design") < ranking.ranked_keys().index("build")
    assert ranking.ranked_keys()[-1] == "unrelated"


def test_a_cycle_is_reported_with_its_quests() -> None:
    data = RankingInput.from_records(
        [{"key": "a", "depends_on": ["b"]}, {"key": "b", "depends_on": ["a"]}, {"key": "c"}]
    )
    for policy in (DeadlineSlackPolicy(), UrgencyPolicy()):
        with pytest.raises(DependencyCycle) as err:
            policy.rank(data, NOW)
        assert set(err.value.cycle) == {"a", "b"}
    # Taskwarrior's urgency needs no dependency order (Taskwarrior ranks such lists too).
    assert UrgencyPolicy.taskwarrior().rank(data, NOW).ranked_keys()[-1] == "c"


def test_a_longer_cycle_is_named_in_dependency_order() -> None:
    # d needs c, c needs b, b needs d: each quest named is a prerequisite of the next.
    data = RankingInput.from_records(
        [
            {"key": "a"},
            {"key": "b", "depends_on": ["d", "a"]},
            {"key": "c", "depends_on": ["b"]},
            {"key": "d", "depends_on": ["c"]},
        ]
    )
    with pytest.raises(DependencyCycle) as err:
        DependencyValuePolicy().rank(data, NOW)
    cycle = err.value.cycle
    assert cycle[0] == cycle[-1]
    assert set(cycle) == {"b", "c", "d"}
    needs = {("d", "b"), ("b", "c"), ("c", "d")}  # (prerequisite, dependent)
    assert all(pair in needs for pair in pairwise(cycle))


def test_ensemble_combines_members_and_names_them() -> None:
    data = quests({"key": "a", "due": days(1)}, {"key": "b"}, {"key": "c", "priority": "high"})
    ranking = EnsemblePolicy().rank(data, NOW)
    assert ranking.factors == ("urgency", "slack", "wsjf")
    assert ranking.ranked_keys()[-1] == "b"


def test_policies_ranking_one_input_in_turn_score_as_if_each_ranked_it_alone() -> None:
    # Policies share work through the input (urgency features, dependency levels): which
    # ranked first, and at which moment, must never change another's scores.
    records = [
        {"key": "rent", "due": days(-2), "priority": "high", "tags": ["next"]},
        {"key": "report", "due": days(5), "depends_on": ["outline"], "estimate_minutes": 30},
        {"key": "outline", "category": "work", "started": days(-1)},
        {"key": "deploy", "due": days(3), "depends_on": ["report", "outline"]},
    ]
    policies = [
        UrgencyPolicy(),
        UrgencyPolicy.taskwarrior(),
        DependencyValuePolicy(),
        DeadlineSlackPolicy(),
        EnsemblePolicy(),
    ]
    shared = quests(*records)
    for moment in (NOW, days(1), NOW):
        for policy in policies:
            alone = policy.rank(quests(*records), moment)
            together = policy.rank(shared, moment)
            assert together.contributions.tobytes() == alone.contributions.tobytes()
            assert together.ranked_keys() == alone.ranked_keys()


def test_ties_keep_the_input_order() -> None:
    data = quests({"key": "first"}, {"key": "second"}, {"key": "third"})
    assert UrgencyPolicy().rank(data, NOW).ranked_keys() == ["first", "second", "third"]


def test_bad_records_are_refused_with_the_field() -> None:
    with pytest.raises(ValidationFailed, match="priority"):
        RankingInput.from_records([{"key": "a", "priority": "urgent"}])
    with pytest.raises(ValidationFailed, match="naive"):
        RankingInput.from_records([{"key": "a", "due": datetime(2026, 1, 1)}])
    with pytest.raises(ValidationFailed, match="duplicate"):
        RankingInput.from_records([{"key": "a"}, {"key": "a"}])


def test_learned_policy_moves_toward_what_the_user_does_first() -> None:
    # This user keeps doing quick, unscheduled chores before high-priority ones.
    data = quests(
        {"key": "important", "priority": "high", "due": days(10)},
        {"key": "also important", "priority": "high"},
        {"key": "quick chore", "estimate_minutes": 10, "tags": ["home"]},
    )
    policy = LearnedPolicy()
    before = policy.rank(data, NOW).ranked_keys().index("quick chore")
    for _ in range(200):
        policy = policy.learn(data, NOW, done_first="quick chore")
    after = policy.rank(data, NOW).ranked_keys().index("quick chore")
    assert before == 2
    assert after == 0
    assert policy.weight_of()["priority"] < LearnedPolicy().weight_of()["priority"]


def test_learning_is_deterministic_and_restorable() -> None:
    data = quests({"key": "a", "priority": "low"}, {"key": "b", "due": days(1)})
    one = LearnedPolicy().learn(data, NOW, "a").learn(data, NOW, "a", over=["b"])
    two = LearnedPolicy().learn(data, NOW, "a").learn(data, NOW, "a", over=["b"])
    assert one.weights == two.weights
    restored = LearnedPolicy.from_weights(one.weight_of())
    assert restored.weights == one.weights


def test_learned_policy_fit_on_a_users_history_beats_the_default_on_held_out_choices() -> None:
    learned, default = learned_vs_default()
    print(f"agreement with the user's first choice, held-out half: "
          f"learned {learned:.0%}, default urgency {default:.0%}")  # fmt: skip
    assert learned > default
    assert learned > 0.5  # the user's taste is learnable: most held-out choices are matched


def test_fit_learns_the_users_taste_and_is_deterministic() -> None:
    choices = history(200)
    fitted = LearnedPolicy().fit(choices)
    assert fitted.weights == LearnedPolicy().fit(choices).weights
    weights = fitted.weight_of()
    default = LearnedPolicy().weight_of()
    # This user ignores priority labels and favours quick quests.
    assert weights["priority"] < default["priority"] / 2
    assert weights["estimate"] > default["estimate"]
    assert LearnedPolicy().fit([]).weights == LearnedPolicy().weights
