Feature: Accounts and sign-in
  Players sign in with an email and a password. Sessions are kept alive with refresh
  tokens that change on every use, and nobody can find out from the answers which email
  addresses have an account.

  Background:
    Given the auth service is running

  Scenario: A new player registers and signs in
    When "ada@example.com" registers with the password "correct horse battery staple"
    And "ada@example.com" signs in with the password "correct horse battery staple"
    Then the sign-in succeeds
    And the access token is accepted for 10 minutes

  Scenario: A common password is refused
    When "ada@example.com" tries to register with the password "password123"
    Then registration is refused because the password "is one of the most common passwords"

  Scenario: Registering an address that already has an account looks like success
    Given "ada@example.com" has an account with the password "correct horse battery staple"
    When "ada@example.com" registers with the password "another long passphrase"
    Then the answer is the same as for a new account
    And "ada@example.com" still signs in only with "correct horse battery staple"

  Scenario: Unknown addresses and wrong passwords get the same answer
    Given "ada@example.com" has an account with the password "correct horse battery staple"
    When someone signs in as "nobody@example.com" with "correct horse battery staple"
    And someone signs in as "ada@example.com" with "a wrong password"
    Then both answers are identical

  Scenario: A replayed refresh token signs the whole session out
    Given "ada@example.com" has signed in
    When the session is refreshed
    And the previous refresh token is presented again
    Then it is refused
    And the newest refresh token is refused too
    And the newest access token is refused

  Scenario: Guessing passwords locks the account, but a reset still works
    Given "ada@example.com" has an account with the password "correct horse battery staple"
    When 100 sign-ins with wrong passwords are tried within an hour
    Then signing in with "correct horse battery staple" is refused as too many attempts
    When "ada@example.com" resets the password to "a brand new passphrase" from the emailed link
    Then "ada@example.com" can sign in with "a brand new passphrase"

  Scenario: Guessing from elsewhere never locks the owner's own browser out
    Given "ada@example.com" has an account with the password "correct horse battery staple"
    And "ada@example.com" signed in on her laptop before
    When 100 sign-ins with wrong passwords are tried within an hour
    Then signing in with "correct horse battery staple" is refused as too many attempts
    But signing in on her laptop with "correct horse battery staple" succeeds

  Scenario: Signing in successfully spends none of the attempts
    Given "ada@example.com" has an account with the password "correct horse battery staple"
    When "ada@example.com" signs in 150 times within an hour with "correct horse battery staple"
    And 99 sign-ins with wrong passwords are tried within an hour
    Then "ada@example.com" can sign in with "correct horse battery staple"

  Scenario: Signing out ends the access token at once
    Given "ada@example.com" has signed in
    When the player signs out
    Then the access token is refused
    And the refresh token is refused
