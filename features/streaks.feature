Feature: Streaks
  A day counts when at least one quest is completed before the player's day ends. The day is
  the player's own: their time zone and the hour their day starts. A day becomes final 12 hours
  after it ends; until then a late completion can be checked in for yesterday.

  Scenario: A night owl's day ends at their chosen hour
    Given Alice plays in "Europe/Berlin" and her day starts at 04:00
    And Alice has a 3-day streak
    When Alice completes a quest at 02:30 on Tuesday
    Then the completion counts for Monday
    And her streak is 4 days

  Scenario Outline: Milestones pay a bonus once the day is final
    Given Alice plays in "UTC"
    When Alice completes a quest every day for <days> days
    And the last day is final
    Then her streak is <days> days
    And Alice has received <bonus> XP in streak bonuses

    Examples:
      | days | bonus |
      | 2    | 0     |
      | 3    | 10    |
      | 7    | 35    |
      | 14   | 85    |

  Scenario: Seven days in a row earn a freeze that covers a missed day
    Given Alice plays in "UTC"
    When Alice completes a quest every day for 7 days
    And Alice misses a day
    Then a freeze covered the missed day
    And her streak is 7 days

  Scenario: A missed day without a freeze breaks the streak
    Given Alice plays in "UTC"
    When Alice completes a quest every day for 5 days
    And Alice misses a day
    Then Alice is told her 5-day streak broke
    And her streak is 0 days

  Scenario: Checking in for yesterday within the grace window
    Given Alice plays in "UTC"
    And Alice has a 3-day streak
    When Alice completes a quest at 09:00 on Tuesday
    And Alice checks that quest in for yesterday
    Then her streak is 4 days

  Scenario: Checking in for yesterday is too late once yesterday is final
    Given Alice plays in "UTC"
    And Alice has a 3-day streak
    When Alice completes a quest at 13:00 on Tuesday
    Then Alice cannot check that quest in for yesterday

  Scenario: A day of 23 hours still counts once
    Given Alice plays in "America/New_York"
    When Alice completes a quest at noon on 2024-03-09, 2024-03-10 and 2024-03-11
    And the last day is final
    Then her streak is 3 days
    And each of those days was judged once

  Scenario: Flying west across the date line never judges a day twice
    Given Alice plays in "Pacific/Kiritimati"
    When Alice completes a quest every day for 3 days
    And Alice moves to "Pacific/Pago_Pago"
    And the streak is rolled over twice
    Then each day was judged at most once
    And her streak is 3 days
