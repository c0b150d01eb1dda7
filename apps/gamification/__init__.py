"""The gamification service: XP, levels, streaks, achievements and leaderboards over HTTP."""
