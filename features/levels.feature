Feature: Levels
  Levels follow a published XP curve (Habitica's): 25·L XP per level below 5, 150 XP at level 5,
  then round((0.25·L² + 10·L + 139.75) / 10) · 10. Levels unlock features.

  Scenario Outline: The XP needed for each level
    Then reaching level <level> takes <total> XP in total

    Examples:
      | level | total |
      | 2     | 25    |
      | 3     | 75    |
      | 5     | 250   |
      | 6     | 400   |
      | 10    | 1320  |
      | 20    | 4710  |

  Scenario: Reaching level 3 unlocks templates
    Given Alice plays in "UTC"
    When Alice completes an epic quest
    Then Alice reaches level 3
    And Alice can use "templates"

  Scenario: Reopening can take a level back, but unlocked features stay
    Given Alice plays in "UTC"
    When Alice completes an epic quest
    And Alice completes "Launch" as an epic quest
    And Alice reopens "Launch"
    Then Alice is level 3
    And Alice can use "templates"
