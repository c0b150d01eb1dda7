"""The integrations service: calendar feeds and webhooks (``/api/v1/integrations/...``)."""
