"""Executes features/achievements.feature (steps in gamification_steps)."""

from pytest_bdd import scenarios

from .gamification_steps import *  # noqa: F403 - the steps are fixtures found by name

scenarios("achievements.feature")
