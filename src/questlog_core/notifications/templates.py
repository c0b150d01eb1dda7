"""The email of each kind: a subject, a plain-text body and an HTML body.

Templates are :class:`string.Template` strings filled with the notification's title, body and
the link that turns this kind of email off; every value is HTML-escaped in the HTML version.
Kept in the core (stdlib only) so every email adapter sends the same words.
"""

from __future__ import annotations

import html
from string import Template

import msgspec

from questlog_core.notifications.model import Kind, Notification


class EmailTemplate(msgspec.Struct, frozen=True, kw_only=True):
    subject: str
    text: str
    html: str


_FOOTER_TEXT = (
    "\n\n--\nYou get these emails because $reason.\n"
    "Stop emails like this one: $unsubscribe_url\n"
    "Change every notification setting in Questlog's settings.\n"
)
_FOOTER_HTML = (
    '<hr><p style="color:#666;font-size:12px">You get these emails because $reason. '
    '<a href="$unsubscribe_url">Stop emails like this one</a>.</p>'
)


def _template(subject: str, lead: str, reason: str) -> EmailTemplate:
    return EmailTemplate(
        subject=subject,
        text=f"{lead}\n\n$title\n\n$body{_FOOTER_TEXT}".replace("$reason", reason),
        html=(
            f"<html><body><p>{html.escape(lead)}</p><h1>$title</h1><p>$body</p>"
            f"{_FOOTER_HTML}</body></html>"
        ).replace("$reason", html.escape(reason)),
    )


#: one template per kind (a test checks every kind has one)
TEMPLATES: dict[Kind, EmailTemplate] = {
    Kind.REMINDER: _template(
        "Reminder: $title", "A quest of yours is due soon.", "you asked for due-date reminders"
    ),
    Kind.DEADLINE_PASSED: _template(
        "Overdue: $title", "A quest's due time has passed.", "you asked for deadline alerts"
    ),
    Kind.ACHIEVEMENT_UNLOCKED: _template(
        "Achievement unlocked: $title",
        "Well done, you unlocked an achievement!",
        "you asked to hear about your achievements",
    ),
    Kind.LEVEL_UP: _template(
        "$title", "You levelled up!", "you asked to hear when you reach a new level"
    ),
    Kind.STREAK_AT_RISK: _template(
        "Your streak is at risk",
        "Complete a quest before your day ends to keep your streak.",
        "you asked for streak alerts",
    ),
    Kind.AI_SUGGESTION: _template(
        "A suggestion: $title", "Questlog has a suggestion for you.", "you asked for suggestions"
    ),
    Kind.SYSTEM_ANNOUNCEMENT: _template(
        "$title", "A message from the Questlog team.", "you asked for announcements"
    ),
}


class RenderedEmail(msgspec.Struct, frozen=True, kw_only=True):
    subject: str
    text: str
    html: str


def render_email(notification: Notification, unsubscribe_url: str) -> RenderedEmail:
    """The email for ``notification``, with the link that stops emails of its kind."""
    template = TEMPLATES[notification.kind]
    plain = {
        "title": notification.title,
        "body": notification.body,
        "unsubscribe_url": unsubscribe_url,
    }
    escaped = {name: html.escape(value) for name, value in plain.items()}
    # A subject is one line: a title with line breaks would be refused by every sender.
    subject_values = {**plain, "title": " ".join(notification.title.split())}
    return RenderedEmail(
        subject=Template(template.subject).safe_substitute(subject_values)[:200],
        text=Template(template.text).safe_substitute(plain),
        html=Template(template.html).safe_substitute(escaped).replace("\n", "<br>"),
    )


__all__ = ["TEMPLATES", "EmailTemplate", "RenderedEmail", "render_email"]
