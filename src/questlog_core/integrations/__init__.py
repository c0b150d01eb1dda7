"""The integrations context: calendar feeds and webhooks, what connects Questlog to other tools."""
