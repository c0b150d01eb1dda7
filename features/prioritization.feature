Feature: Prioritization
  Questlog ranks a player's open quests and says why: every factor's share of a score is
  shown, and the shares add up to the score.

  Background:
    Given it is 2026-11-26 09:00 UTC

  Scenario Outline: The Taskwarrior profile scores a quest the way Taskwarrior 2.6 does
    Given an open quest "<quest>" due in <due> days with priority <priority>, created <age> days ago
    When the quests are ranked with the "taskwarrior" policy
    Then "<quest>" scores <score>

    Examples:
      | quest          | due  | priority | age | score |
      | Pay rent       | -10  | high     | 40  | 18.22 |
      | File taxes     | 3    | high     | 400 | 15.43 |
      | Renew passport | 20   | medium   | 200 | 7.40  |
      | Fix bike       | 13.5 | none     | 60  | 2.96  |
      | Learn piano    | none | low      | 1000| 3.80  |

  Scenario: An overdue, important quest comes before a someday one
    Given an open quest "Someday: learn piano" with priority low
    And an open quest "Pay rent" due in -2 days with priority high
    When the quests are ranked with the "urgency" policy
    Then the order is "Pay rent", "Someday: learn piano"
    And the explanation of "Pay rent" lists "due" and "priority" and adds up to its score

  Scenario: In Taskwarrior's profile, blocking others raises a quest, being blocked lowers it
    Given an open quest "Give talk" with priority none
    And an open quest "Prepare slides" with priority none
    And an open quest "Water plants" with priority low
    And "Give talk" depends on "Prepare slides"
    When the quests are ranked with the "taskwarrior" policy
    Then the order is "Prepare slides", "Water plants", "Give talk"
    And the explanation of "Prepare slides" lists "blocking" and adds up to its score
    And the explanation of "Give talk" lists "blocked" and adds up to its score

  Scenario: By default, a prerequisite inherits the urgency of what it blocks
    Given an open quest "Give talk" due in 1 days with priority high
    And an open quest "Prepare slides" with priority none
    And an open quest "Water plants" due in 3 days with priority medium
    And "Give talk" depends on "Prepare slides"
    When the quests are ranked with the "urgency" policy
    Then the order is "Prepare slides", "Water plants", "Give talk"
    And the explanation of "Prepare slides" lists "inherited" and adds up to its score
    And the explanation of "Give talk" lists "on hold" and adds up to its score
    And "Give talk" would score more than "Water plants" on its own merits

  Scenario: A prerequisite inherits value from what it unblocks
    Given an open quest "Launch" due in 1 days with priority critical
    And an open quest "Build" with priority none
    And an open quest "Design" with priority none
    And an open quest "Water plants" with priority none
    And "Launch" depends on "Build"
    And "Build" depends on "Design"
    When the quests are ranked with the "dependency-value" policy
    Then "Design" is ranked above "Water plants"
    And "Design" is ranked above "Build"
    And the explanation of "Design" lists "unblocks" and adds up to its score

  Scenario: Least slack goes first
    Given an open quest "Prepare slides" estimated at 480 minutes
    And an open quest "Give talk" due in 2 days estimated at 240 minutes
    And an open quest "Tax return" due in 2.5 days estimated at 60 minutes
    And "Give talk" depends on "Prepare slides"
    When the quests are ranked with the "slack" policy
    Then the order is "Prepare slides", "Give talk", "Tax return"

  Scenario Outline: Eisenhower puts quests in quadrants
    Given an open quest "<quest>" due in <due> days with priority <priority>, created 1 days ago
    When the quests are sorted into Eisenhower quadrants
    Then "<quest>" is in the "<quadrant>" quadrant

    Examples:
      | quest        | due  | priority | quadrant  |
      | Fix outage   | 1    | critical | do        |
      | Plan roadmap | 30   | high     | schedule  |
      | Answer email | 1    | low      | delegate  |
      | Sort photos  | none | none     | eliminate |

  Scenario: The learned policy follows what the player actually does first
    Given an open quest "Quarterly report" due in 10 days with priority high
    And an open quest "Tidy desk" estimated at 10 minutes
    And the player has done "Tidy desk" first 200 times
    When the quests are ranked with the learned policy
    Then "Tidy desk" is ranked above "Quarterly report"
