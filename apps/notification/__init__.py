"""The notification service: in-app history, preferences, push devices, sends and schedules."""
