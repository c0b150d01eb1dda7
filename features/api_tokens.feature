Feature: Personal API tokens act only within their scopes
  A script uses a personal API token instead of a password. The owner chooses its scopes when
  making it, and the token never does more than those scopes allow, nor more than its owner may
  do now. Every route says which permission it needs; a token without it gets 403.

  Background:
    Given Ada has an account with a quest "Water the plants"

  Scenario: A read-only token reads quests but cannot change them
    Given Ada makes an API token with the scope "quests:read"
    When the token lists Ada's quests
    Then the answer is 200 and lists "Water the plants"
    When the token creates a quest "Sneaky"
    Then the answer is 403 because the token lacks "quests:write"
    And Ada has 1 quest

  Scenario: A profile token cannot touch quests
    Given Ada makes an API token with the scope "profile:read"
    When the token reads Ada's profile
    Then the answer is 200
    When the token deletes the quest "Water the plants"
    Then the answer is 403 because the token lacks "quests:write"
    And Ada has 1 quest

  Scenario: A token never outlives its owner's role
    Given Ada is an admin
    And Ada makes an API token with the scope "users:read"
    When the token reads Ada's account as an admin
    Then the answer is 200
    When Ada's admin role is revoked
    And the token reads Ada's account as an admin
    Then the answer is 403 because the token lacks "users:read"
