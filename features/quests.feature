Feature: Quests
  A quest goes from todo to active to done. A quest can also be abandoned, and anything can be
  archived. Illegal moves are refused and say why. A done quest can be reopened only within a
  day of completing it, because reopening takes back the XP it earned.

  Background:
    Given a player in "Europe/Berlin"

  Scenario: Completing a quest before its due date is on time
    Given a quest "Write the report" due in 2 days
    When the player completes "Write the report"
    Then "Write the report" is done
    And the completion counts as on time

  Scenario: A quest cannot be completed twice
    Given a done quest "Water the plants"
    When the player completes "Water the plants"
    Then the player is told "cannot go from done to done"

  Scenario: A done quest can be reopened within a day
    Given a done quest "Pay rent"
    And 23 hours pass
    When the player reopens "Pay rent"
    Then "Pay rent" is todo

  Scenario: After a day a done quest stays done
    Given a done quest "Pay rent"
    And 25 hours pass
    When the player reopens "Pay rent"
    Then the player is told "reopen window has passed"
    And "Pay rent" is done

  Scenario: An archived quest can no longer be edited
    Given a quest "Old idea"
    And "Old idea" is archived by the player
    When the player renames "Old idea" to "New idea"
    Then the player is told "archived"

  Scenario Outline: Bad input is refused and names the field
    When the player creates a quest with <field> "<value>"
    Then the player is told the <field> is invalid

    Examples:
      | field            | value     |
      | title            |           |
      | difficulty       | legendary |
      | estimate_minutes | -5        |
      | tags             | 21 tags   |

  Scenario: Ticking every checklist item does not complete the quest
    Given a quest "Move house" with the checklist "pack, load, unload"
    When the player ticks every item of "Move house"
    Then "Move house" is at 100% progress
    And "Move house" is todo
    And the player is invited to complete "Move house"
