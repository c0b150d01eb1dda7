Feature: Experience points
  Finishing a quest earns XP: a base by difficulty, multiplied by bonuses for finishing early,
  keeping a streak, unblocking other quests and doing several in a day, and reduced for
  finishing late. Every change is a line in the player's ledger; their XP is its sum.

  Background:
    Given Alice plays in "UTC"

  Scenario Outline: Harder quests earn more
    When Alice completes a <difficulty> quest
    Then Alice has <xp> XP

    Examples:
      | difficulty | xp |
      | trivial    | 5  |
      | easy       | 10 |
      | medium     | 20 |
      | hard       | 40 |
      | epic       | 80 |

  Scenario Outline: Finishing early pays, finishing late costs
    When Alice completes a medium quest that was due <due>
    Then Alice has <xp> XP

    Examples:
      | due         | xp |
      | in 3 days   | 25 |
      | in 2 hours  | 22 |
      | 3 hours ago | 18 |
      | 9 days ago  | 10 |

  Scenario: A quest that unblocks others is worth more
    When Alice completes a medium quest that unblocks 3 other quests
    Then Alice has 26 XP

  Scenario: A completion delivered twice earns once
    When Alice completes a hard quest
    And the same completion is delivered again
    Then Alice has 40 XP
    And her ledger has 1 line

  Scenario: Completing and reopening a quest a hundred times earns it once
    When Alice completes and reopens "Write the report" 100 times
    And Alice completes "Write the report"
    Then Alice has 20 XP

  Scenario: Reopening takes back exactly what was awarded
    When Alice completes "Pay rent" 3 days before it is due
    And 5 days later Alice reopens "Pay rent"
    Then Alice has 0 XP
    And her ledger shows 25 XP awarded and 25 XP taken back

  Scenario: Trivial quests created and ticked off within seconds earn less and less
    When Alice creates and completes 5 trivial quests within seconds
    Then the awards were 5, 3, 1, 1 and 0 XP

  Scenario: A daily cap per difficulty
    When Alice completes 20 trivial quests during the day
    Then Alice has 50 XP
