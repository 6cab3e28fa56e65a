"""A labelled synthetic population of residents held by several council systems, with the
errors real systems have: typos, nicknames, initials, day and month swapped, moved house,
missing fields, shared addresses (households) and twins. Used by the demo, the tests and
bench/masterdata.py. Deterministic for a given seed."""

import random
import string
from dataclasses import dataclass
from datetime import date, timedelta

from .normalise import _NICKNAMES

FIRST_NAMES = (
    "James John Robert Michael William David Richard Joseph Thomas Charles Christopher Daniel "
    "Matthew Anthony Mark Donald Steven Paul Andrew Joshua Kenneth Kevin Brian George Timothy "
    "Ronald Edward Jason Jeffrey Ryan Jacob Gary Nicholas Eric Jonathan Stephen Larry Justin "
    "Scott Brandon Benjamin Samuel Gregory Alexander Frank Patrick Raymond Jack Dennis Jerry "
    "Tyler Aaron Jose Adam Nathan Henry Douglas Zachary Peter Kyle Ethan Walter Noah Jeremy "
    "Christian Keith Roger Terry Gerald Harold Sean Austin Carl Arthur Lawrence Dylan Jesse "
    "Jordan Bryan Billy Joe Bruce Gabriel Logan Albert Willie Alan Juan Wayne Elijah Randy Roy "
    "Vincent Ralph Eugene Russell Bobby Mason Philip Louis Oliver Harry Leo Oscar Archie Alfie "
    "Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa Nancy "
    "Betty Margaret Sandra Ashley Kimberley Emily Donna Michelle Carol Amanda Dorothy Melissa "
    "Deborah Stephanie Rebecca Sharon Laura Cynthia Kathleen Amy Angela Shirley Anna Brenda "
    "Pamela Emma Nicole Helen Samantha Katherine Christine Debra Rachel Carolyn Janet Catherine "
    "Maria Heather Diane Ruth Julie Olivia Joyce Virginia Victoria Kelly Lauren Christina Joan "
    "Evelyn Judith Megan Andrea Cheryl Hannah Jacqueline Martha Gloria Teresa Ann Sara Madison "
    "Frances Kathryn Janice Jean Abigail Alice Judy Sophia Grace Denise Amber Doris Marilyn "
    "Danielle Beverly Isabella Theresa Diana Natalie Brittany Charlotte Marie Kayla Alexis Lori "
    "Amelia Isla Ava Mia Ivy Freya Lily Florence Poppy Eleanor Josephine Joanne"
).split()
SURNAMES = (
    "Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson "
    "Thompson Wright Walker White Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson "
    "Wood Turner Martin Cooper Hill Ward Morris Moore Clark Lee King Baker Harrison Morgan "
    "Allen James Scott Phillips Watson Davis Parker Price Bennett Young Griffiths Mitchell "
    "Kelly Cook Carter Richardson Bailey Collins Bell Shaw Murphy Miller Cox Richards Khan "
    "Marshall Anderson Simpson Ellis Adams Singh Begum Wilkinson Foster Chapman Powell Webb "
    "Rogers Gray Mason Ali Hunt Hussain Campbell Matthews Owen Palmer Holmes Mills Barnes "
    "Knight Lloyd Butler Russell Barker Fisher Stevens Jenkins Murray Dixon Harvey Graham "
    "Pearson Ahmed Fletcher Walsh Kaur Gibson Howard Andrews Stewart Elliott Reynolds Saunders "
    "Payne Fox Ford Pearce Day Brooks West Lawrence Cole Atkinson Bradley Spencer Gill Dawson "
    "Ball Burton O'Brien Watts Rose Booth Perry Ryan Grant Wells Armstrong Francis Rees Hayes "
    "Hart Hudson Newman Barrett Webster Hunter Gregory Carr Lowe Page Marsh Riley Dunn Woods "
    "Stone Parsons Reid Holland Hawkins Harding Porter Robertson Newton Oliver Reed Kennedy "
    "Williamson Bird Gardner Shah Dean Lane Cooke Bates Henderson Parry Burgess Bishop Walton "
    "Burns Nicholson Shepherd Ross Cross Long Freeman Warren Nicholls Hamilton Byrne Sutton "
    "McDonald Yates Hodgson Robson Curtis Hopkins O'Connor Harper Coleman Watkins Moss McCarthy "
    "Chambers O'Neill Griffin Sharp Hardy Wheeler Potter Osborne Johnston Gordon Doyle Wallace "
    "George Jordan Hutchinson Rowe Burke May Pritchard Gilbert Willis Higgins Read Miles "
    "Stevenson Stephenson Hammond Arnold Buckley Walters Hewitt Barber Nelson Slater Austin"
).split()
_PREFIXES = (
    "Ash Black Brad Brom Burn Cald Chester Cliff Crom Dal Dun East Fair Fen Gold Green Hal "
    "Hart Hay Holl Kings Lang Lea Marl Mid New North Oak Pen Pres Red Ring Rother Sal Sand "
    "Shel South Stan Stock Thorn Tre Wake Wal West Whit Wind Wood Wor"
).split()
_SUFFIXES = (
    "ley worth ford ton ham field more wood well by bury combe dale den don gate hurst ing "
    "land lock low mere port ridge shaw stead stow thorpe wick win"
).split()
RARE_SURNAMES = [p + s for p in _PREFIXES for s in _SUFFIXES]
STREETS = (
    "High Street|Station Road|Church Lane|Mill Road|Park Avenue|Victoria Road|Green Lane|"
    "Manor Road|Kings Road|Queens Road|New Street|School Lane|The Crescent|Grange Road|"
    "Orchard Close|Chapel Street|Meadow View|Bridge Street|North Road|Albert Street"
).split("|")
TOWNS = ["Northbury", "Riverton", "Eastvale", "Westford", "Millbrook", "Oakham Green"]
SOURCES = [("council-tax", 90), ("housing", 70), ("social-care", 80), ("library", 30)]

_VARIANTS: dict[str, list[str]] = {}
for _canonical, _names in _NICKNAMES.items():
    _VARIANTS[_canonical] = _names.split()


@dataclass
class Person:
    entity: int
    first_name: str
    surname: str
    dob: date
    house: int
    street: str
    town: str
    postcode: str
    email: str
    phone: str


def _postcode(rng: random.Random, area: str) -> str:
    return (
        f"{area}{rng.randint(1, 40)} {rng.randint(0, 9)}"
        f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
    )


def _pick(rng, items, skew=1.1):
    # Zipf-like: early items are commoner.
    i = int(len(items) * (rng.random() ** (skew * 2)))
    return items[min(i, len(items) - 1)]


def _surname(rng):
    if rng.random() < 0.55:
        return _pick(rng, SURNAMES)
    return rng.choice(RARE_SURNAMES)


def _address(rng, area):
    return (
        rng.randint(1, 250),
        rng.choice(STREETS),
        rng.choice(TOWNS),
        _postcode(rng, area),
    )


def population(n_people: int, seed: int = 7, area: str = "NS") -> list[Person]:
    """People in households: a household shares a surname and an address; 2% of people have
    a twin (same surname, date of birth and address, another first name)."""
    rng = random.Random(seed)
    people: list[Person] = []
    entity = 0
    start = date(1930, 1, 1)
    while len(people) < n_people:
        surname = _surname(rng)
        house, street, town, postcode = _address(rng, area)
        size = rng.choice([1, 1, 2, 2, 2, 3, 4])
        for _ in range(size):
            entity += 1
            dob = start + timedelta(days=rng.randint(0, 80 * 365))
            first = _pick(rng, FIRST_NAMES, 0.9)
            email_name = f"{first}.{surname}".lower().replace("'", "")
            person = Person(
                entity,
                first,
                surname,
                dob,
                house,
                street,
                town,
                postcode,
                f"{email_name}{rng.randint(1, 999)}@example.org",
                f"07700{rng.randint(100000, 999999)}",
            )
            people.append(person)
            if rng.random() < 0.02:
                entity += 1
                twin_first = rng.choice([f for f in FIRST_NAMES if f[0] != first[0]])
                people.append(
                    Person(
                        entity,
                        twin_first,
                        surname,
                        dob,
                        house,
                        street,
                        town,
                        postcode,
                        f"{twin_first.lower()}.{surname.lower()}{rng.randint(1, 999)}@example.org",
                        f"07700{rng.randint(100000, 999999)}",
                    )
                )
    return people[:n_people]


def _typo(rng, text: str) -> str:
    if len(text) < 3:
        return text
    i = rng.randint(1, len(text) - 1)
    op = rng.random()
    if op < 0.33:
        return text[:i] + text[i + 1 :]
    if op < 0.66 and i < len(text) - 1:
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text[:i] + rng.choice(string.ascii_lowercase) + text[i + 1 :]


def records(people: list[Person], seed: int = 11, records_per_person: float = 2.0, area="NS"):
    """Source records (dicts with the CSV columns, ``source`` and the true ``entity``): each
    person is held by one to four systems, each copy with its own errors."""
    rng = random.Random(seed)
    out = []
    counter = 0
    extra_p = max(0.0, min(1.0, (records_per_person - 1) / 3))
    for p in people:
        n = 1 + sum(rng.random() < extra_p for _ in range(3))
        for source, _trust in rng.sample(SOURCES, n):
            counter += 1
            first, surname, dob = p.first_name, p.surname, p.dob
            house, street, town, postcode = p.house, p.street, p.town, p.postcode
            r = rng.random()
            if r < 0.10 and first.lower() in _VARIANTS:
                first = rng.choice(_VARIANTS[first.lower()]).title()
            elif r < 0.16:
                first = _typo(rng, first)
            elif r < 0.19:
                first = first[0]
            if rng.random() < 0.10:
                surname = _typo(rng, surname)
            dob_text = dob.isoformat()
            r = rng.random()
            if r < 0.05 and dob.day <= 12 and dob.day != dob.month:
                dob_text = date(dob.year, dob.day, dob.month).isoformat()
            elif r < 0.08:
                dob_text = _typo_digit(rng, dob)
            elif r < 0.12:
                dob_text = ""
            if rng.random() < 0.15:  # moved house: an older or newer address
                house, street, town, postcode = _address(rng, area)
            email = p.email if rng.random() < 0.5 else ""
            phone = p.phone if rng.random() < 0.5 else ""
            if rng.random() < 0.05:
                postcode = ""
            out.append(
                {
                    "source": source,
                    "source_id": f"{source[:2].upper()}{counter:08d}",
                    "first_name": first,
                    "surname": surname,
                    "date_of_birth": dob_text,
                    "postcode": postcode,
                    "address": f"{house} {street}, {town}",
                    "email": email,
                    "phone": phone,
                    "entity": p.entity,
                }
            )
    return out


def _typo_digit(rng, dob: date) -> str:
    for _ in range(5):
        text = dob.isoformat()
        i = rng.choice([2, 3, 6, 9])
        candidate = text[:i] + str(rng.randint(0, 9)) + text[i + 1 :]
        try:
            date.fromisoformat(candidate)
        except ValueError:
            continue
        if candidate != text:
            return candidate
    return dob.isoformat()


def places(n: int, seed: int = 5, area: str = "NS") -> list[dict]:
    """Gazetteer rows (uprn, usrn, address, postcode)."""
    rng = random.Random(seed)
    rows, seen = [], set()
    usrns = {street: str(rng.randint(10_000_000, 99_999_999)) for street in STREETS}
    while len(rows) < n:
        house, street, town, postcode = _address(rng, area)
        if (house, street, town) in seen:
            continue
        seen.add((house, street, town))
        rows.append(
            {
                "uprn": str(100_000_000_000 + len(rows) * 7919 % 899_999_999_999),
                "usrn": usrns[street],
                "address": f"{house} {street}, {town}",
                "postcode": postcode,
            }
        )
    return rows
