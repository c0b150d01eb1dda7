"""Friends and share links through the game's use cases, on memory, SQLite and PostgreSQL:
invitations by email (before and after the invitee registers) and by link, accept, remove,
block (a blocked player's invitations come to nothing), the friends board, share links."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from adapters.memory.clock import FixedClock, SequentialIds
from questlog_core.errors import NotFound, ValidationFailed
from questlog_core.gamification import use_cases as game
from questlog_core.gamification.leaderboards import Board
from questlog_core.identity.events import UserRegistered
from questlog_core.kernel.ids import EventId, QuestId, UserId
from questlog_core.quests.events import QuestCompleted

from .conftest import GameBackend

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class Social:
    def __init__(self, backend: GameBackend) -> None:
        self.backend = backend
        self.clock = FixedClock(T0)
        self.ids = SequentialIds(uuid.uuid4().int >> 64)

    def uow(self):  # type: ignore[no-untyped-def]
        return self.backend.uow()

    async def register(self, name: str) -> UserId:
        user = UserId(uuid.uuid4())
        event = UserRegistered(
            event_id=EventId(self.ids.new_id()),
            occurred_at=self.clock.now(),
            owner=user,
            email=f"{name.lower()}@example.com",
            display_name=name,
            timezone="UTC",
            day_start_hour=0,
        )
        await game.handle_identity_profile(event, self.uow(), self.clock, self.ids)
        return user

    async def complete(self, user: UserId, difficulty: str = "medium") -> None:
        event = QuestCompleted(
            event_id=EventId(self.ids.new_id()),
            occurred_at=self.clock.now(),
            owner=user,
            quest_id=QuestId(uuid.uuid4()),
            occurrence=0,
            difficulty=difficulty,
            priority=2,
            due=None,
            completed_at=self.clock.now(),
            created_at=self.clock.now() - timedelta(days=1),
            on_time=True,
            owner_timezone="UTC",
            quest_version=1,
        )
        await game.handle_quest_completed(event, self.uow(), self.clock, self.ids)

    async def friends(self, user: UserId) -> game.FriendsView:
        return await game.list_friends(user, self.uow())

    async def names(self, user: UserId) -> dict[str, list[str]]:
        view = await self.friends(user)
        return {
            "friends": [f.display_name for f in view.friends],
            "incoming": [f.display_name for f in view.incoming],
            "outgoing": [f.display_name for f in view.outgoing],
            "blocked": [f.display_name for f in view.blocked],
        }


@pytest.fixture
def social(game_backend: GameBackend) -> Social:
    return Social(game_backend)


async def test_an_email_invitation_becomes_a_friendship_when_accepted(social: Social) -> None:
    ann, bob = await social.register("Ann"), await social.register("Bob")
    await game.invite_by_email(ann, " BOB@example.com ", social.uow(), social.clock)

    assert (await social.names(bob))["incoming"] == ["Ann"]
    assert (await social.names(ann))["outgoing"] == ["Bob"]
    await game.accept_friend(bob, ann, social.uow(), social.clock)
    assert (await social.names(ann))["friends"] == ["Bob"]
    assert (await social.names(bob))["friends"] == ["Ann"]


async def test_an_invitation_to_an_unknown_address_waits_for_it_to_register(
    social: Social,
) -> None:
    ann = await social.register("Ann")
    await game.invite_by_email(ann, "cleo@example.com", social.uow(), social.clock)
    assert (await social.names(ann))["outgoing"] == []  # nobody plays with it yet

    cleo = await social.register("Cleo")
    assert (await social.names(cleo))["incoming"] == ["Ann"]


async def test_inviting_each_other_makes_friends_and_self_invites_do_nothing(
    social: Social,
) -> None:
    ann, bob = await social.register("Ann"), await social.register("Bob")
    await game.invite_by_email(ann, "bob@example.com", social.uow(), social.clock)
    await game.invite_by_email(bob, "ann@example.com", social.uow(), social.clock)
    await game.invite_by_email(ann, "ann@example.com", social.uow(), social.clock)
    assert await social.names(ann) == {
        "friends": ["Bob"],
        "incoming": [],
        "outgoing": [],
        "blocked": [],
    }
    with pytest.raises(ValidationFailed):
        await game.invite_by_email(ann, "not-an-address", social.uow(), social.clock)


async def test_a_link_is_used_once_and_can_be_revoked(social: Social) -> None:
    ann, bob, cleo = [await social.register(n) for n in ("Ann", "Bob", "Cleo")]
    issued = await game.create_invite_link(ann, social.uow(), social.clock, social.ids)
    assert issued.token.startswith("qlf_")
    assert len(issued.token) > 40
    assert issued.token not in repr(await game.list_invite_links(ann, social.uow()))

    with pytest.raises(ValidationFailed):
        await game.accept_invite_link(ann, issued.token, social.uow(), social.clock)
    assert await game.accept_invite_link(bob, issued.token, social.uow(), social.clock) == ann
    with pytest.raises(NotFound):
        await game.accept_invite_link(cleo, issued.token, social.uow(), social.clock)
    assert (await social.names(ann))["friends"] == ["Bob"]

    second = await game.create_invite_link(ann, social.uow(), social.clock, social.ids)
    with pytest.raises(NotFound):  # someone else's link
        await game.revoke_invite_link(bob, second.link.link_id, social.uow())
    await game.revoke_invite_link(ann, second.link.link_id, social.uow())
    with pytest.raises(NotFound):
        await game.accept_invite_link(cleo, second.token, social.uow(), social.clock)

    expiring = await game.create_invite_link(ann, social.uow(), social.clock, social.ids)
    social.clock.advance(timedelta(days=8))
    with pytest.raises(NotFound):
        await game.accept_invite_link(cleo, expiring.token, social.uow(), social.clock)


async def test_a_blocked_player_cannot_invite_again(social: Social) -> None:
    ann, bob = await social.register("Ann"), await social.register("Bob")
    await game.invite_by_email(bob, "ann@example.com", social.uow(), social.clock)
    await game.accept_friend(ann, bob, social.uow(), social.clock)
    await game.block_player(ann, bob, social.uow(), social.clock)

    assert (await social.names(ann))["friends"] == []
    assert (await social.names(ann))["blocked"] == ["Bob"]
    assert await social.names(bob) == {"friends": [], "incoming": [], "outgoing": [], "blocked": []}
    await game.invite_by_email(bob, "ann@example.com", social.uow(), social.clock)  # silently
    link = await game.create_invite_link(bob, social.uow(), social.clock, social.ids)
    with pytest.raises(game.PlayerBlocked):
        await game.accept_invite_link(ann, link.token, social.uow(), social.clock)
    annslink = await game.create_invite_link(ann, social.uow(), social.clock, social.ids)
    with pytest.raises(NotFound):  # looks like any dead link to the blocked player
        await game.accept_invite_link(bob, annslink.token, social.uow(), social.clock)
    assert (await social.names(ann))["incoming"] == []
    with pytest.raises(NotFound):  # blocking is not removable as a friendship
        await game.remove_friend(bob, ann, social.uow())

    await game.unblock_player(ann, bob, social.uow())
    assert await social.names(ann) == {"friends": [], "incoming": [], "outgoing": [], "blocked": []}
    await game.invite_by_email(bob, "ann@example.com", social.uow(), social.clock)
    assert (await social.names(ann))["incoming"] == ["Bob"]


async def test_removing_is_only_ever_the_callers_own_relation(social: Social) -> None:
    ann, bob, eve = [await social.register(n) for n in ("Ann", "Bob", "Eve")]
    await game.invite_by_email(ann, "bob@example.com", social.uow(), social.clock)
    await game.accept_friend(bob, ann, social.uow(), social.clock)
    with pytest.raises(NotFound):
        await game.remove_friend(eve, ann, social.uow())  # Eve is in no relation with Ann
    with pytest.raises(NotFound):
        await game.accept_friend(eve, ann, social.uow(), social.clock)
    assert (await social.names(ann))["friends"] == ["Bob"]
    await game.remove_friend(bob, ann, social.uow())
    assert (await social.names(ann))["friends"] == []


async def test_the_friends_board_ranks_only_me_and_my_friends(social: Social) -> None:
    ann, bob, cleo, dan = [await social.register(n) for n in ("Ann", "Bob", "Cleo", "Dan")]
    await social.complete(ann, "easy")
    await social.complete(bob, "hard")
    await social.complete(cleo, "epic")  # a stranger: not on Ann's friends board
    await social.complete(dan, "medium")
    for friend in ("bob", "dan"):
        await game.invite_by_email(ann, f"{friend}@example.com", social.uow(), social.clock)
    await game.accept_friend(bob, ann, social.uow(), social.clock)
    await game.accept_friend(dan, ann, social.uow(), social.clock)
    await game.set_leaderboard_opt_out(dan, True, social.uow(), social.clock, social.ids)

    page = await game.get_friends_board(ann, Board.ALL_TIME, social.uow(), social.clock)
    assert [(r.rank, r.display_name) for r in page.rows] == [(1, "Bob"), (2, "Ann")]
    assert page.me is not None
    assert page.me.rank == 2


async def test_a_share_link_shows_only_what_was_chosen_until_revoked(social: Social) -> None:
    ann, bob = await social.register("Ann"), await social.register("Bob")
    await social.complete(ann)
    with pytest.raises(ValidationFailed):
        await game.share_achievement(
            ann, "ten-quests", game.ShareChoice(), social.uow(), social.clock, social.ids
        )
    with pytest.raises(NotFound):
        await game.share_achievement(
            ann, "no-such-thing", game.ShareChoice(), social.uow(), social.clock, social.ids
        )
    private = game.ShareChoice(display_name=False, level=False, unlocked_at=False)
    issued = await game.share_achievement(
        ann, "first-quest", private, social.uow(), social.clock, social.ids
    )
    shown = await game.view_share(issued.token, social.uow())
    assert (shown.key, shown.display_name, shown.level, shown.unlocked_at) == (
        "first-quest",
        None,
        None,
        None,
    )
    everything = game.ShareChoice(display_name=True, level=True, unlocked_at=True)
    full = await game.share_achievement(
        ann, "first-quest", everything, social.uow(), social.clock, social.ids
    )
    shown = await game.view_share(full.token, social.uow())
    assert (shown.display_name, shown.level, shown.unlocked_at) == ("Ann", 1, T0)

    with pytest.raises(NotFound):
        await game.revoke_share(bob, full.link.link_id, social.uow())
    await game.revoke_share(ann, full.link.link_id, social.uow())
    with pytest.raises(NotFound):
        await game.view_share(full.token, social.uow())
    with pytest.raises(NotFound):
        await game.view_share(full.token[:-1] + "x", social.uow())
    assert [s.revoked for s in await game.list_shares(ann, social.uow())] == [False, True]
