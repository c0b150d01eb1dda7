Feature: Prioritization judgments
  What a sensible person would do first, written down as pairs: given these open quests at
  this moment, one comes before the other. Questlog's default policy (`urgency`) must get
  every one of them right. The test run also reports how many each other policy gets right,
  so the policies can be compared on the same common sense.

  Quests are described in a table; a blank cell means "not set". Times are relative to now
  ("in 2 days", "3 days ago", "tomorrow"); a quest was created a day ago unless the table
  says otherwise; "after" lists the quests that must be finished first.

  Background:
    Given it is Thursday 2026-11-26 09:00 UTC

  # -- deadlines ------------------------------------------------------------------------------

  Scenario: An overdue quest comes before one due next month
    Given these open quests:
      | quest            | due          | priority |
      | Clean the garage | in 30 days   | medium   |
      | Pay the rent     | 1 days ago   | medium   |
    Then "Pay the rent" comes before "Clean the garage"

  Scenario: Due tomorrow comes before due in three weeks
    Given these open quests:
      | quest          | due        |
      | Renew passport | in 21 days |
      | Return parcel  | tomorrow   |
    Then "Return parcel" comes before "Renew passport"

  Scenario: Due in three days comes before due in ten days
    Given these open quests:
      | quest           | due        | priority |
      | Book dentist    | in 10 days | low      |
      | Send invoice    | in 3 days  | low      |
    Then "Send invoice" comes before "Book dentist"

  Scenario: Due in a fortnight comes before due in six weeks
    Given these open quests:
      | quest             | due        |
      | Plan spring trip  | in 42 days |
      | Christmas cards   | in 15 days |
    Then "Christmas cards" comes before "Plan spring trip"

  Scenario: Due in two hours comes before due in two days
    Given these open quests:
      | quest           | due         | priority |
      | Order groceries | in 2 days   | medium   |
      | Submit timesheet| in 2 hours  | medium   |
    Then "Submit timesheet" comes before "Order groceries"

  Scenario: A quest due today comes before one with no deadline
    Given these open quests:
      | quest            | due        | priority |
      | Sort old photos  |            | medium   |
      | Call the bank    | in 6 hours | medium   |
    Then "Call the bank" comes before "Sort old photos"

  Scenario: An overdue medium quest comes before a high-priority quest due in a month
    Given these open quests:
      | quest              | due        | priority |
      | Write roadmap      | in 30 days | high     |
      | Reply to landlord  | 2 days ago | medium   |
    Then "Reply to landlord" comes before "Write roadmap"

  # -- priority -------------------------------------------------------------------------------

  Scenario: High priority comes before low priority when neither has a deadline
    Given these open quests:
      | quest          | priority |
      | Learn juggling | low      |
      | Fix the leak   | high     |
    Then "Fix the leak" comes before "Learn juggling"

  Scenario: Critical comes before high
    Given these open quests:
      | quest              | priority |
      | Update the website | high     |
      | Restore backups    | critical |
    Then "Restore backups" comes before "Update the website"

  Scenario: With the same deadline, the higher priority goes first
    Given these open quests:
      | quest          | due        | priority |
      | Water plants   | in 20 days | none     |
      | Prepare review | in 20 days | high     |
    Then "Prepare review" comes before "Water plants"

  Scenario: A critical quest with no deadline comes before a low-priority one due in ten days
    Given these open quests:
      | quest            | due        | priority |
      | Buy new sneakers | in 10 days | low      |
      | Patch the server |            | critical |
    Then "Patch the server" comes before "Buy new sneakers"

  # -- blocking -------------------------------------------------------------------------------

  Scenario: A prerequisite comes before the urgent quest it blocks
    Given these open quests:
      | quest          | due      | priority | after          |
      | Ship the order | tomorrow | high     | Print the label|
      | Print the label|          |          |                |
    Then "Print the label" comes before "Ship the order"

  Scenario: The first step of a chain that ends overdue beats an unrelated chore
    Given these open quests:
      | quest           | due        | priority | after          |
      | Clean gutters   | in 7 days  | medium   |                |
      | Submit grant    | 1 days ago | high     | Write budget   |
      | Write budget    |            |          | Collect quotes |
      | Collect quotes  |            |          |                |
    Then "Collect quotes" comes before "Clean gutters"

  Scenario: A prerequisite of an urgent quest beats an unrelated quest of middling urgency
    Given these open quests:
      | quest             | due       | priority | after       |
      | Buy printer ink   | in 2 days | medium   |             |
      | Send invitations  | in 2 days | high     | Book venue  |
      | Book venue        |           |          |             |
    Then "Book venue" comes before "Buy printer ink"

  Scenario: A started quest never ranks above its own prerequisite
    Given these open quests:
      | quest      | due      | priority | started   | after     |
      | Deploy app | tomorrow | high     | yesterday | Run tests |
      | Run tests  |          |          |           |           |
    Then "Run tests" comes before "Deploy app"

  Scenario: Steps of a chain come in order
    Given these open quests:
      | quest       | due      | after       |
      | Step three  | tomorrow | Step two    |
      | Step two    |          | Step one    |
      | Step one    |          |             |
    Then "Step two" comes before "Step three"

  Scenario: The head of a chain comes before the rest of it
    Given these open quests:
      | quest       | due      | after       |
      | Step three  | tomorrow | Step two    |
      | Step two    |          | Step one    |
      | Step one    |          |             |
    Then "Step one" comes before "Step two"

  Scenario: Something you can do now comes before a blocked quest of similar urgency
    Given these open quests:
      | quest           | due       | priority | after         |
      | Publish article | tomorrow  | high     | Get approval  |
      | Get approval    |           |          |               |
      | Mow the lawn    | in 5 days | medium   |               |
    Then "Mow the lawn" comes before "Publish article"

  Scenario: Of two prerequisites, the one whose goal is due sooner goes first
    Given these open quests:
      | quest     | due        | after    |
      | Draft B   |            |          |
      | Report B  | in 20 days | Draft B  |
      | Draft A   |            |          |
      | Report A  | in 2 days  | Draft A  |
    Then "Draft A" comes before "Draft B"

  Scenario: Blocking something unimportant does not beat an urgent quest
    Given these open quests:
      | quest               | due      | priority | after            |
      | Frame the poster    |          | low      | Buy a frame      |
      | Buy a frame         |          |          |                  |
      | Renew car insurance | tomorrow | high     |                  |
    Then "Renew car insurance" comes before "Buy a frame"

  Scenario: A prerequisite of an overdue quest beats a high-priority quest due next week
    Given these open quests:
      | quest            | due        | priority | after          |
      | Prepare slides   | in 7 days  | high     |                |
      | File tax return  | 3 days ago | medium   | Find receipts  |
      | Find receipts    |            |          |                |
    Then "Find receipts" comes before "Prepare slides"

  # -- scheduling -----------------------------------------------------------------------------

  Scenario: A quest scheduled to start next week comes after a chore you can do now
    Given these open quests:
      | quest          | due        | priority | scheduled |
      | Winter tyres   | in 10 days | medium   | in 7 days |
      | Tidy the desk  |            |          |           |
    Then "Tidy the desk" comes before "Winter tyres"

  Scenario: A quest scheduled for today comes before an equal unscheduled one
    Given these open quests:
      | quest          | scheduled    |
      | Call the bank  |              |
      | Call a plumber | 2 hours ago  |
    Then "Call a plumber" comes before "Call the bank"

  Scenario: With the same deadline, the quest you can start now goes first
    Given these open quests:
      | quest            | due       | scheduled |
      | Renew insurance  | in 5 days | in 3 days |
      | Return books     | in 5 days |           |
    Then "Return books" comes before "Renew insurance"

  Scenario: A prerequisite scheduled later still comes before what it blocks
    Given these open quests:
      | quest          | due       | priority | scheduled | after         |
      | Hang curtains  | in 3 days | high     |           | Buy curtains  |
      | Buy curtains   |           |          | in 2 days |               |
    Then "Buy curtains" comes before "Hang curtains"

  # -- waiting --------------------------------------------------------------------------------

  Scenario: A quest waiting until later comes after a low-priority quest you can do now
    Given these open quests:
      | quest           | due       | priority | wait      |
      | Chase the quote | in 6 days | high     | in 3 days |
      | Sort the socks  |           | low      |           |
    Then "Sort the socks" comes before "Chase the quote"

  Scenario: A quest whose wait is over is ranked like any other
    Given these open quests:
      | quest           | due      | wait      |
      | Read the manual |          |           |
      | Follow up email | tomorrow | yesterday |
    Then "Follow up email" comes before "Read the manual"

  Scenario: A waiting prerequisite still comes before what it blocks
    Given these open quests:
      | quest        | due       | wait      | after        |
      | Pack bags    | in 9 days |           | Book flights |
      | Book flights |           | in 2 days |              |
    Then "Book flights" comes before "Pack bags"

  # -- effort ---------------------------------------------------------------------------------

  Scenario: Of two equal quests, the quick one goes first
    Given these open quests:
      | quest               | due        | priority | estimate |
      | Reorganise the shed | in 20 days | medium   | 4 hours  |
      | Replace a light bulb| in 20 days | medium   | 10 min   |
    Then "Replace a light bulb" comes before "Reorganise the shed"

  Scenario: A quick quest does not beat a long one that is due today
    Given these open quests:
      | quest           | due        | estimate |
      | Oil the hinge   | in 21 days | 5 min    |
      | Finish the essay| in 8 hours | 3 hours  |
    Then "Finish the essay" comes before "Oil the hinge"

  Scenario: A critical long quest comes before a quick chore nobody asked for
    Given these open quests:
      | quest            | priority | estimate |
      | Empty the bin    |          | 5 min    |
      | Fix the outage   | critical | 4 hours  |
    Then "Fix the outage" comes before "Empty the bin"

  # -- started work ---------------------------------------------------------------------------

  Scenario: A started quest comes before an equal one not started
    Given these open quests:
      | quest           | priority | started   |
      | Paint the fence | medium   |           |
      | Paint the door  | medium   | yesterday |
    Then "Paint the door" comes before "Paint the fence"

  Scenario: A nearly finished quest comes before an equal fresh one
    Given these open quests:
      | quest         | priority | estimate | progress |
      | Write chapter | medium   | 3 hours  | 0%       |
      | Edit chapter  | medium   | 3 hours  | 90%      |
    Then "Edit chapter" comes before "Write chapter"

  Scenario: Started work does not beat an urgent quest not yet started
    Given these open quests:
      | quest           | due        | priority | started    |
      | Knit a scarf    |            | low      | 3 days ago |
      | Pay the fine    | in 5 hours | high     |            |
    Then "Pay the fine" comes before "Knit a scarf"

  # -- age ------------------------------------------------------------------------------------

  Scenario: Of two equal quests, the one waiting longest goes first
    Given these open quests:
      | quest          | created      |
      | Fix the gate   | yesterday    |
      | Mend the chair | 200 days ago |
    Then "Mend the chair" comes before "Fix the gate"

  Scenario: An old quest does not beat one due tomorrow
    Given these open quests:
      | quest           | due      | created       |
      | Learn Italian   |          | 1000 days ago |
      | Buy a gift      | tomorrow | today         |
    Then "Buy a gift" comes before "Learn Italian"

  Scenario: An old low-priority quest does not beat a new high-priority one
    Given these open quests:
      | quest            | priority | created      |
      | Digitise records | low      | 700 days ago |
      | Fix the brakes   | high     | today        |
    Then "Fix the brakes" comes before "Digitise records"
