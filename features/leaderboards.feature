Feature: Leaderboards
  Weekly, monthly and all-time boards rank players by the XP they earned in the period.
  Equal XP is ranked by who got there first. A board shows a display name, never an email.
  A player can leave the boards and keep their XP.

  Scenario: The weekly board ranks by XP, earlier first on a tie
    Given these players complete quests this week:
      | player | difficulty | when              |
      | Bo     | hard       | Monday 09:00      |
      | Alice  | hard       | Monday 10:00      |
      | Chen   | epic       | Tuesday 08:00     |
    Then the weekly board is:
      | rank | player | xp |
      | 1    | Chen   | 80 |
      | 2    | Bo     | 40 |
      | 3    | Alice  | 40 |

  Scenario: Last week's XP is on the all-time board, not this week's
    Given these players complete quests this week:
      | player | difficulty | when          |
      | Alice  | epic       | Monday 09:00  |
    When a week passes
    And Bo completes a hard quest
    Then the weekly board is:
      | rank | player | xp |
      | 1    | Bo     | 40 |
    And the all-time board is:
      | rank | player | xp |
      | 1    | Alice  | 80 |
      | 2    | Bo     | 40 |

  Scenario: Opting out hides a player but keeps their XP
    Given these players complete quests this week:
      | player | difficulty | when          |
      | Alice  | epic       | Monday 09:00  |
      | Bo     | hard       | Monday 10:00  |
    When Alice opts out of leaderboards
    Then the weekly board is:
      | rank | player | xp |
      | 1    | Bo     | 40 |
    And Alice still has 80 XP

  Scenario: A board never shows an email address
    Given these players complete quests this week:
      | player | difficulty | when          |
      | Alice  | easy       | Monday 09:00  |
    Then Alice cannot take "alice@example.com" as her display name
    And no board row contains an "@"
