Feature: Achievements
  Achievements are rules over what a player has done. Each unlocks exactly once, and the player
  can see their progress toward it. Reopening a quest takes its progress back, but an
  achievement already unlocked stays unlocked.

  Background:
    Given Alice plays in "Europe/Berlin"

  Scenario Outline: Things worth celebrating
    When Alice finishes <what>
    Then Alice unlocks "<achievement>"

    Examples:
      | what                                   | achievement    |
      | her first quest                        | First Steps    |
      | 10 hard quests                         | Tough Cookie   |
      | a quest at 07:45                       | Early Bird     |
      | a quest at 02:15                       | Night Owl      |
      | the last quest of a chain of 5         | Chain Reaction |
      | a quest that unblocks 3 others         | Unblocker      |
      | an epic quest                          | Epic Win       |

  Scenario: An achievement unlocks exactly once
    When Alice finishes 12 hard quests
    Then Alice unlocked "Tough Cookie" once
    And her progress toward "Veteran" is 12 of 100

  Scenario: Reopening takes progress back but keeps the unlock
    When Alice completes "Tidy the desk"
    And Alice reopens "Tidy the desk"
    Then Alice still has "First Steps"
    And her progress toward "Adventurer" is 0 of 10

  Scenario: There is plenty to unlock
    Then at least 20 achievements are available
