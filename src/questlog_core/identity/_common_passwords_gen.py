"""Regenerates ``common_passwords.txt``.

Run ``python -m questlog_core.identity._common_passwords_gen > common_passwords.txt``.

Source, honestly: this is a *representative* list, not a copy of a breach corpus. It is built
from the patterns that dominate every published top-N list of leaked passwords (SecLists'
"10-million-password-list", the NCSC's "100k most common", yearly vendor top-25s): digit runs,
repeated digits, keyboard walks, and a few hundred of the base words that recur at the top of
those lists, each with the suffixes people add (``1``, ``123``, ``!``, a year...), capitalised
and in simple leetspeak. Only entries of 8+ characters are kept, since shorter passwords are
refused by length anyway. The output is sorted and de-duplicated, so a rerun is reproducible.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator


def _words(text: str) -> list[str]:
    return text.split()


BASE_WORDS = _words("""
password passwd passw0rd qwerty qwertyuiop asdfgh asdfghjkl zxcvbnm iloveyou letmein
welcome monkey dragon football baseball basketball soccer hockey sunshine princess shadow
master michael superman batman trustno1 whatever freedom starwars computer charlie jordan
hunter ranger killer george andrew jessica jennifer ashley daniel thomas robert matthew
joshua pepper ginger summer secret cheese chelsea liverpool arsenal pokemon naruto minecraft
hello flower lovely angel babygirl butterfly purple orange banana chocolate cookie samsung
google apple internet access login admin administrator root qazwsx abc zaq1 love lover
mustang harley ferrari porsche corvette mercedes yankees cowboys eagles steelers lakers
tigger buster maggie bailey sophie molly lucky snoopy scooter peanut coffee guitar music
silver golden diamond crystal rainbow phoenix falcon thunder tiger lion wolf spider
matrix hacker ninja pirate warrior legend gaming player dolphin elephant jordan23 michelle
nicole amanda melissa sarah hannah elizabeth victoria samantha alexander william james
justin brandon jason anthony christopher richard charles joseph david edward kevin steven
benjamin nathan ryan tyler austin dallas chicago boston london paris berlin madrid america
canada mexico brazil france germany england russia india china japan australia
heaven jesus christ blessed faith angel1 god forever family friends friend happy smile
money dollar rich power magic wizard merlin gandalf frodo hobbit zelda mario sonic
spiderman ironman hulk thor avengers marvel pikachu charmander blink182 metallica slipknot
nirvana beatles eminem rockstar rocknroll qwerty123 1qaz2wsx 1q2w3e4r q1w2e3r4 zaq12wsx
test tester testing guest user default changeme changeit temp temporary secure security
private public office work school student teacher doctor nurse police fireman soldier
summer2020 winter spring autumn january february march april june july august september
october november december monday tuesday friday sunday weekend holiday birthday
chelsea1 manchester united barcelona realmadrid juventus milan bayern celtic rangers
cricket tennis golf boxing racing runner cycling fishing hunting camping travel
""")

SUFFIXES = [
    "",
    "1",
    "2",
    "7",
    "12",
    "13",
    "21",
    "22",
    "23",
    "69",
    "77",
    "88",
    "99",
    "00",
    "01",
    "007",
    "11",
    "123",
    "1234",
    "12345",
    "123456",
    "321",
    "!",
    "1!",
    "123!",
    "@123",
    "#1",
    "!!",
    "?",
    ".",
    "*",
]
YEARS = [str(y) for y in range(1975, 2026)]
#: the first words of BASE_WORDS (roughly the most common) also get a year suffix
TOP_WORDS_WITH_YEARS = 40
LEET_SUFFIXES = ["", "1", "123", "!"]
LEET = str.maketrans({"a": "@", "o": "0", "e": "3", "i": "1", "s": "$"})
KEYBOARD_WALKS = _words("""
qwertyui qwertyuiop qwertyuiop[] asdfghjk asdfghjkl asdfghjkl; zxcvbnm, zxcvbnm,.
1qaz2wsx 1qaz2wsx3edc 1q2w3e4r 1q2w3e4r5t 1q2w3e4r5t6y q1w2e3r4 q1w2e3r4t5 q1w2e3r4t5y6
zaq12wsx zaq1xsw2 qazwsxedc qazwsxedcrfv 1234qwer qwer1234 asdf1234 1234asdf zxcv1234
qweasdzxc qweasd123 asdqwe123 qwe123qwe qwerasdf qwertzui qwertzuiop azertyui azertyuiop
mnbvcxz poiuytrewq lkjhgfdsa 0987654321 9876543210 987654321 87654321 qwertyu1 1234abcd
abcd1234 abc12345 abcdefgh abcdefg1 abcdefghi abcdefghij a1b2c3d4 a1b2c3d4e5 aaaaaaaa
""")


def _digit_patterns() -> Iterator[str]:
    for n in range(8, 13):
        yield "".join(str((i + 1) % 10) for i in range(n))  # 12345678, 123456789, ...
        yield "".join(str(i % 10) for i in range(n))  # 01234567, ...
        for d in "0123456789":
            yield d * n
    for a in range(100):
        pair = f"{a:02d}"
        yield pair * 4
    for y in YEARS:
        yield y * 2
    for block in ("123", "1234", "12345", "321", "147", "159", "258", "369", "789", "456"):
        yield (block * 4)[:8]
        yield block * 3
    for month in range(1, 13):
        for year in range(1980, 2006):
            yield f"01{month:02d}{year}"  # birthdays on the first are over-represented


def _word_patterns() -> Iterator[str]:
    # Case does not matter (the check case-folds), so each word has two forms: plain and leet.
    for rank, word in enumerate(BASE_WORDS):
        for suffix in SUFFIXES:
            yield word + suffix
        for suffix in LEET_SUFFIXES:
            yield word.translate(LEET) + suffix
        if rank < TOP_WORDS_WITH_YEARS:
            for year in YEARS:
                yield word + year
                yield word + year[2:]
        yield word + word


def generate() -> list[str]:
    """The sorted, de-duplicated list (lower-cased, 8..128 characters)."""
    candidates = set()
    for source in (_digit_patterns(), _word_patterns(), iter(KEYBOARD_WALKS)):
        for entry in source:
            entry = entry.lower()
            if 8 <= len(entry) <= 128:
                candidates.add(entry)
    return sorted(candidates)


def main() -> None:
    """Write the list to stdout, one password a line, after a comment header."""
    out = sys.stdout
    out.write("# Questlog common-password list: generated, see _common_passwords_gen.py.\n")
    for entry in generate():
        out.write(entry + "\n")


if __name__ == "__main__":
    main()
