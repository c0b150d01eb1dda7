"""Email adapters: console and outbox folder (embedded defaults), SMTP and SendGrid (production).

All implement ``questlog_core.ports.platform.EmailSender``, build the same RFC 5322 message
(``adapters.email.message.compose``) and pass ``tests/contract/test_email_sender.py``; the
in-memory twin lives in ``adapters.memory.email``.
"""
