Feature: Recurring quests
  A recurring quest follows an iCalendar rule (RRULE) in the player's time zone. Completing an
  occurrence creates the next one, exactly once. By schedule, the next one follows the calendar;
  after completion, it is counted from when the quest was done.

  Background:
    Given a player in "Europe/Berlin"

  Scenario: A daily 09:00 quest stays at 09:00 when the clocks go forward
    Given it is 2026-03-28 08:00 local time
    And a quest "Stretch" due 2026-03-28 09:00 repeating "FREQ=DAILY"
    When the player completes "Stretch"
    Then the next "Stretch" is due 2026-03-29 09:00 local time

  Scenario: Completing, reopening and completing again makes only one next occurrence
    Given it is 2026-03-28 08:00 local time
    And a quest "Stretch" due 2026-03-28 09:00 repeating "FREQ=DAILY"
    When the player completes "Stretch"
    And the player reopens "Stretch"
    And the player completes "Stretch"
    Then there are 2 occurrences of "Stretch"

  Scenario: After completion, the next one is counted from when it was done
    Given it is 2026-03-10 18:00 local time
    And a quest "Change the filter" repeating "FREQ=DAILY;INTERVAL=3" after completion
    When the player completes "Change the filter"
    Then the next "Change the filter" is due 2026-03-13 18:00 local time

  Scenario: A series with a count ends
    Given it is 2026-03-10 08:00 local time
    And a quest "Course" due 2026-03-10 19:00 repeating "FREQ=WEEKLY;COUNT=1"
    When the player completes "Course"
    Then there is no next "Course"

  Scenario: A rule that is not an RRULE is refused
    When the player creates a quest repeating "every tuesday"
    Then the player is told the recurrence is invalid
