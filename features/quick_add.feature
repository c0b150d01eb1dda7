Feature: Natural-language quick add
  One line becomes a quest: the title, when it is due (in the player's time zone), how it
  repeats (an iCalendar RRULE), its priority, tags, estimate and difficulty. The local parser
  reads the common forms below without any language model; what it cannot place stays in the
  title. A date without a time is due at 23:59 that day; a time without a date is the next
  such time; "tonight" is 20:00; a weekday is the next one after today. Difficulty not given
  follows the estimate (up to 15 minutes trivial, 45 easy, 2 hours medium, 8 hours hard).

  Background:
    Given a player in "Europe/Berlin"
    And it is Wednesday 2026-12-02 15:00 local time

  Scenario Outline: The local parser reads "<text>"
    When the player quick-adds "<text>"
    Then the title is "<title>"
    And it is due <due>
    And it repeats <rule>
    And its priority is <priority>
    And its tags are <tags>
    And its estimate is <estimate>
    And its difficulty is <difficulty>

    Examples:
      | text                                                     | title            | due              | rule                                             | priority | tags         | estimate | difficulty |
      | Pay rent every month on the 1st at 9am !high #home ~30m  | Pay rent         | 2027-01-01 09:00 | FREQ=MONTHLY;BYMONTHDAY=1;BYHOUR=9;BYMINUTE=0    | 3        | home         | 30       | easy       |
      | Call mum tomorrow at 6pm                                 | Call mum         | 2026-12-03 18:00 | never                                            | 0        | none         | none     | medium     |
      | Submit the report by friday !critical                    | Submit the report| 2026-12-04 23:59 | never                                            | 4        | none         | none     | medium     |
      | Gym every monday and thursday at 7:30 #health            | Gym              | 2026-12-03 07:30 | FREQ=WEEKLY;BYDAY=MO,TH;BYHOUR=7;BYMINUTE=30     | 0        | health       | none     | medium     |
      | Stand-up every weekday at 9:30am ~15m                    | Stand-up         | 2026-12-03 09:30 | FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=9;BYMINUTE=30 | 0   | none         | 15       | trivial    |
      | Dentist on 24 dec at 10:15                               | Dentist          | 2026-12-24 10:15 | never                                            | 0        | none         | none     | medium     |
      | Book flights december 20th                               | Book flights     | 2026-12-20 23:59 | never                                            | 0        | none         | none     | medium     |
      | Renew passport 2027-03-01 ~2h *hard #admin #travel       | Renew passport   | 2027-03-01 23:59 | never                                            | 0        | admin,travel | 120      | hard       |
      | Read a chapter in 2 hours                                | Read a chapter   | 2026-12-02 17:00 | never                                            | 0        | none         | none     | medium     |
      | Water the plants every 3 days                            | Water the plants | 2026-12-02 23:59 | FREQ=DAILY;INTERVAL=3                            | 0        | none         | none     | medium     |
      | Order pizza tonight                                      | Order pizza      | 2026-12-02 20:00 | never                                            | 0        | none         | none     | medium     |
      | Plan the sprint next week !2                             | Plan the sprint  | 2026-12-07 23:59 | never                                            | 2        | none         | none     | medium     |
      | Send invoices on the 15th #work ~1h30m                   | Send invoices    | 2026-12-15 23:59 | never                                            | 0        | work         | 90       | medium     |
      | Take out the bins at 8pm                                 | Take out the bins| 2026-12-02 20:00 | never                                            | 0        | none         | none     | medium     |
      | Backup the laptop at 9am                                 | Backup the laptop| 2026-12-03 09:00 | never                                            | 0        | none         | none     | medium     |
      | Review goals in 2 weeks !low                             | Review goals     | 2026-12-16 23:59 | never                                            | 1        | none         | none     | medium     |
      | Lunch with Sam next monday at noon                       | Lunch with Sam   | 2026-12-07 12:00 | never                                            | 0        | none         | none     | medium     |
      | Clean the kitchen every other week ~1d                   | Clean the kitchen| 2026-12-02 23:59 | FREQ=WEEKLY;INTERVAL=2                           | 0        | none         | 480      | hard       |
      | Pay the phone bill monthly #home                         | Pay the phone bill | 2026-12-02 23:59 | FREQ=MONTHLY                                   | 0        | home         | none     | medium     |
      | Write the thesis ~2d !urgent                             | Write the thesis | none             | never                                            | 4        | none         | 960      | epic       |
      | Call the bank on tue at 14:00                            | Call the bank    | 2026-12-08 14:00 | never                                            | 0        | none         | none     | medium     |
      | Meet Sat                                                 | Meet Sat         | none             | never                                            | 0        | none         | none     | medium     |

  Scenario: Words the parser cannot place stay in the title and are flagged
    When the player quick-adds "Dinner the day after tomorrow-ish"
    Then the parse is flagged incomplete
