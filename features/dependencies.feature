Feature: Dependencies
  A quest can wait on others: its prerequisites must be finished first. A quest with an open
  prerequisite is blocked and cannot be completed. Done, abandoned and archived quests no longer
  block anything. Dependencies never form a cycle.

  Background:
    Given quests "Design", "Build" and "Ship"
    And "Design" must be finished before "Build"

  Scenario: A blocked quest cannot be completed
    When the player completes "Build"
    Then the player is told "blocked by 1 unfinished prerequisite"
    And "Build" is todo

  Scenario: Completing a prerequisite unblocks what waited on it
    When the player completes "Design"
    Then "Build" is no longer blocked
    And the completion unblocked 1 quest

  Scenario: Giving up on a prerequisite unblocks too
    When the player abandons "Design"
    Then "Build" is no longer blocked

  Scenario: A dependency that would close a cycle is refused with the cycle
    Given "Build" must be finished before "Ship"
    When the player makes "Ship" a prerequisite of "Design"
    Then the player is told "would create a cycle"
    And the cycle goes through "Design", "Build" and "Ship"

  Scenario: Another player's quest cannot be linked
    Given another player has a quest "Their secret"
    When the player makes "Their secret" a prerequisite of "Ship"
    Then the player is told "not found"

  Scenario: The plan puts prerequisites first
    Given "Build" must be finished before "Ship"
    Then the plan is "Design", "Build" and "Ship"
