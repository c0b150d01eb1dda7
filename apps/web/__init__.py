"""The web client: server-rendered pages (Jinja2 + htmx) over the same HTTP API every client uses.

The pages never reach a use case directly: :mod:`apps.web.api` calls ``/api/v1/...`` with the
browser's access token (kept in an httpOnly cookie, :mod:`apps.web.session`), in-process in the
all-in-one or over HTTP to ``QUESTLOG_WEB_API_URL`` when the web client runs on its own.
"""
