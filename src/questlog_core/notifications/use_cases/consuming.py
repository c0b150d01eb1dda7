"""How the notification service reacts to other contexts' events (each applied once).

Every handler claims the event id in the notification inbox in the transaction that applies
it, so a redelivered event changes nothing; the unique notification and schedule keys make
the same fact one notification even when two different events report it.

* identity: ``UserRegistered``/``ProfileUpdated``/``UserDisabled``/``UserEnabled`` keep the
  recipient (email address, time zone) the service sends to;
* game: ``LevelReached`` → a level-up notification (once per level, even if the level is
  lost and reached again), ``AchievementUnlocked`` → an unlock notification,
  ``StreakExtended`` → a streak-at-risk alert scheduled for the player's next evening;
* quests: a due date schedules reminders (at the user's offsets) and a deadline alert;
  changing it reschedules them; completing, abandoning, archiving or deleting the quest
  cancels them; a completion also cancels that day's streak-at-risk alert.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from questlog_core.events import DomainEvent
from questlog_core.events.gamification import AchievementUnlocked, LevelReached, StreakExtended
from questlog_core.events.identity import ProfileUpdated, UserDisabled, UserEnabled, UserRegistered
from questlog_core.events.quests import (
    QuestAbandoned,
    QuestArchived,
    QuestCompleted,
    QuestCreated,
    QuestDeleted,
    QuestUpdated,
)
from questlog_core.ids import QuestId, UserId
from questlog_core.notifications import rules
from questlog_core.notifications.model import (
    Kind,
    Recipient,
    ScheduledNotification,
    ScheduleState,
)
from questlog_core.notifications.ports import NotificationUnitOfWork
from questlog_core.notifications.preferences import zone
from questlog_core.notifications.use_cases.sending import Draft, notify
from questlog_core.ports.platform import Clock, IdFactory

#: the inbox consumer name of these handlers
CONSUMER = "notifications"
_DISABLED = "the account is disabled"

#: every event type the handlers below take
CONSUMED: tuple[type[DomainEvent], ...] = (
    UserRegistered,
    ProfileUpdated,
    UserDisabled,
    UserEnabled,
    LevelReached,
    AchievementUnlocked,
    StreakExtended,
    QuestCreated,
    QuestUpdated,
    QuestCompleted,
    QuestAbandoned,
    QuestArchived,
    QuestDeleted,
)


async def handle_event(
    event: DomainEvent, uow: NotificationUnitOfWork, clock: Clock, ids: IdFactory
) -> bool:
    """Apply ``event`` once; ``False`` when it had been applied before (or is not ours)."""
    if not isinstance(event, CONSUMED):
        return False
    async with uow:
        if not await uow.inbox.claim(CONSUMER, event.event_id):
            return False
        await _apply(event, uow, clock.now(), ids)
        await uow.commit()
    return True


async def _apply(
    event: DomainEvent, uow: NotificationUnitOfWork, now: datetime, ids: IdFactory
) -> None:
    user = event.owner
    match event:
        case UserRegistered():
            await uow.recipients.put(
                Recipient(user=user, email=event.email, timezone=event.timezone)
            )
        case ProfileUpdated():
            recipient = await uow.recipients.get(user)
            if recipient is not None:
                recipient.timezone = event.timezone
                await uow.recipients.put(recipient)
        case UserDisabled() | UserEnabled():
            recipient = await uow.recipients.get(user)
            if recipient is None:
                return
            if isinstance(event, UserDisabled) and recipient.email_active:
                recipient.email_active, recipient.deactivated_reason = False, _DISABLED
            elif isinstance(event, UserEnabled) and recipient.deactivated_reason == _DISABLED:
                recipient.email_active, recipient.deactivated_reason = True, None
            await uow.recipients.put(recipient)
        case LevelReached():
            unlocked = f" Unlocked: {', '.join(event.unlocked)}." if event.unlocked else ""
            draft = Draft(
                kind=Kind.LEVEL_UP,
                title=f"Level {event.level} reached",
                body=f"You reached level {event.level} with {event.total_xp} XP.{unlocked}",
                data={"level": str(event.level), "total_xp": str(event.total_xp)},
            )
            await notify(uow, user, f"level-up:{event.level}", draft, now, ids)
        case AchievementUnlocked():
            draft = Draft(
                kind=Kind.ACHIEVEMENT_UNLOCKED,
                title=event.title,
                body=event.description,
                data={"achievement": event.key},
            )
            await notify(uow, user, f"achievement:{event.key}", draft, now, ids)
        case StreakExtended():
            await _schedule_streak_at_risk(uow, user, event, now, ids)
        case QuestCreated():
            if event.due is not None:
                await _schedule_quest(
                    uow, user, event.quest_id, event.title, event.due, now, ids, event
                )
        case QuestUpdated():
            if "due" in event.changes and event.after is not None:
                await uow.schedules.cancel_subject(user, rules.quest_subject(event.quest_id))
                if event.after.due is not None:
                    await _schedule_quest(
                        uow,
                        user,
                        event.quest_id,
                        event.after.title,
                        event.after.due,
                        now,
                        ids,
                        event,
                    )
        case QuestCompleted():
            await uow.schedules.cancel_subject(user, rules.quest_subject(event.quest_id))
            day = rules.local_day(event.completed_at, event.owner_timezone)
            await _cancel_or_forbid(uow, user, rules.streak_at_risk_key(user, day), now, ids)
        case QuestAbandoned() | QuestArchived() | QuestDeleted():
            await uow.schedules.cancel_subject(user, rules.quest_subject(event.quest_id))


async def _schedule_quest(
    uow: NotificationUnitOfWork,
    user: UserId,
    quest_id: QuestId,
    title: str,
    due: datetime,
    now: datetime,
    ids: IdFactory,
    cause: DomainEvent,
) -> None:
    plan = cause.event_id.hex[:16]
    preferences = await uow.preferences.get(user)
    recipient = await uow.recipients.get(user)
    local_due = due.astimezone(zone(recipient.timezone if recipient else "UTC"))
    subject = rules.quest_subject(quest_id)
    data = {"quest_id": str(quest_id), "due": due.isoformat()}
    for minutes, at in rules.reminder_times(due, preferences.reminder_offsets_minutes, now):
        await uow.schedules.add(
            ScheduledNotification(
                id=ids.new_id(),
                user=user,
                kind=Kind.REMINDER,
                key=rules.reminder_key(quest_id, due, minutes, plan),
                title=title,
                body=f"Due {local_due:%a %d %b %H:%M} ({_ahead(minutes)}).",
                data=data,
                due_at=at,
                created_at=now,
                subject=subject,
            )
        )
    if due > now:
        await uow.schedules.add(
            ScheduledNotification(
                id=ids.new_id(),
                user=user,
                kind=Kind.DEADLINE_PASSED,
                key=rules.deadline_key(quest_id, due, plan),
                title=title,
                body=f"Was due {local_due:%a %d %b %H:%M} and is still open.",
                data=data,
                due_at=due,
                created_at=now,
                subject=subject,
            )
        )


def _ahead(minutes: int) -> str:
    span = timedelta(minutes=minutes)
    if span % timedelta(days=1) == timedelta(0):
        return f"in {span.days} day{'s' if span.days != 1 else ''}"
    if span % timedelta(hours=1) == timedelta(0):
        hours = minutes // 60
        return f"in {hours} hour{'s' if hours != 1 else ''}"
    return f"in {minutes} minute{'s' if minutes != 1 else ''}"


async def _schedule_streak_at_risk(
    uow: NotificationUnitOfWork,
    user: UserId,
    event: StreakExtended,
    now: datetime,
    ids: IdFactory,
) -> None:
    recipient = await uow.recipients.get(user)
    timezone = recipient.timezone if recipient else "UTC"
    day = event.day + timedelta(days=1)
    at = rules.streak_at_risk_at(day, timezone)
    if at <= now:
        return
    await uow.schedules.add(
        ScheduledNotification(
            id=ids.new_id(),
            user=user,
            kind=Kind.STREAK_AT_RISK,
            key=rules.streak_at_risk_key(user, day),
            title=f"Keep your {event.length}-day streak",
            body="You have not completed a quest today yet: one before your day ends keeps it.",
            data={"streak": str(event.length), "day": day.isoformat()},
            due_at=at,
            created_at=now,
        )
    )


async def _cancel_or_forbid(
    uow: NotificationUnitOfWork, user: UserId, key: str, now: datetime, ids: IdFactory
) -> None:
    """Cancel the schedule with ``key``; when there is none yet, store it cancelled, so one
    arriving later (events cross) is refused by its key."""
    if await uow.schedules.cancel_key(user, key):
        return
    await uow.schedules.add(
        ScheduledNotification(
            id=ids.new_id(),
            user=user,
            kind=Kind.STREAK_AT_RISK,
            key=key,
            title="(cancelled: a quest was completed that day)",
            body="",
            due_at=now,
            created_at=now,
            state=ScheduleState.CANCELLED,
        )
    )


__all__ = ["CONSUMED", "CONSUMER", "handle_event"]
