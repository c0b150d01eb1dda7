"""Push adapters: a log sender (embedded default), FCM HTTP v1 and Web Push with VAPID.

All implement ``questlog_core.ports.platform.PushSender``, validate messages the same way
(``adapters.push.message``) and pass ``tests/contract/test_push_sender.py``; the in-memory twin
lives in ``adapters.memory.push``.
"""
