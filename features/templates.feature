Feature: Templates
  A template is a reusable quest: a title with placeholders, defaults, a checklist and a chain
  of steps. Using it creates the quest, its steps and their dependencies all at once, or, if
  anything is wrong, nothing at all.

  Background:
    Given a template "Release" titled "Release {version}" with the steps "Freeze {version}, Test, Ship"

  Scenario: Using a template creates the quest and its chain of steps
    When the player uses the template "Release" with version "2.0"
    Then the player has the quests "Release 2.0", "Freeze 2.0", "Test" and "Ship"
    And "Freeze 2.0" must be finished before "Test"
    And "Test" must be finished before "Ship"
    And "Release 2.0" waits on "Ship"

  Scenario: Finishing every step brings the quest to 100% without completing it
    When the player uses the template "Release" with version "2.0"
    And the player completes the steps "Freeze 2.0", "Test" and "Ship"
    Then "Release 2.0" is at 100% progress
    And "Release 2.0" is todo

  Scenario: A missing placeholder value creates nothing
    When the player uses the template "Release" without values
    Then the player is told the values is invalid
    And the player has no quests
