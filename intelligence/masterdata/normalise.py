"""Field validation and the normalised keys matching uses. The same functions run at import
(stored in the ``*_key`` columns) and when a record is placed incrementally, so the full run and
the incremental path compare exactly the same values."""

import re
import unicodedata
from datetime import date

POSTCODE_RE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")
EMAIL_RE = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[A-Za-z]{2,}$")
UPRN_RE = re.compile(r"^[0-9]{1,12}$")
USRN_RE = re.compile(r"^[0-9]{1,8}$")

# Common English given-name variants -> one canonical form (both directions resolve here).
_NICKNAMES = {
    "robert": "bob bobby rob robbie bert",
    "william": "bill billy will willie liam",
    "elizabeth": "liz lizzie beth betty libby eliza lisa",
    "margaret": "maggie meg peggy marge madge",
    "richard": "rick ricky dick rich richie",
    "james": "jim jimmy jamie",
    "john": "jack johnny jon",
    "jonathan": "jonny",
    "thomas": "tom tommy",
    "christopher": "chris kit",
    "christine": "chris chrissie tina",
    "catherine": "cathy kate katie kath katherine kathryn cath",
    "michael": "mike mick mickey",
    "edward": "ed eddie ted teddy ned",
    "anthony": "tony",
    "daniel": "dan danny",
    "david": "dave davey",
    "joseph": "joe joey",
    "samuel": "sam sammy",
    "samantha": "sam sammie",
    "alexander": "alex alec sandy",
    "alexandra": "alex lexi sandra",
    "andrew": "andy drew",
    "benjamin": "ben benny",
    "charles": "charlie chas chuck",
    "nicholas": "nick nicky",
    "matthew": "matt",
    "patrick": "pat paddy",
    "patricia": "pat patty trish",
    "peter": "pete",
    "stephen": "steve steven stevie",
    "susan": "sue susie suzanne",
    "deborah": "debbie deb debra",
    "jennifer": "jen jenny",
    "rebecca": "becky becca",
    "victoria": "vicky tori",
    "frederick": "fred freddie",
    "henry": "harry hal",
    "gregory": "greg",
    "timothy": "tim timmy",
    "kenneth": "ken kenny",
    "ronald": "ron ronnie",
    "donald": "don donny",
    "philip": "phil",
    "gerald": "gerry",
    "lawrence": "larry laurie",
    "leonard": "len lenny",
    "raymond": "ray",
    "barbara": "barb babs",
    "dorothy": "dot dottie",
    "jacqueline": "jackie",
    "josephine": "jo josie",
    "joanne": "jo",
    "judith": "judy",
    "kimberley": "kim",
    "pamela": "pam",
    "sarah": "sally sara",
    "theresa": "tess terry teresa",
    "abigail": "abby abi",
    "amanda": "mandy",
    "emily": "em emmy",
    "eleanor": "ellie nell nora",
    "helen": "nell",
    "isabella": "izzy bella",
    "olivia": "liv",
}
NICKNAMES: dict[str, str] = {}
for _canonical, _variants in _NICKNAMES.items():
    for _variant in _variants.split():
        NICKNAMES.setdefault(_variant, _canonical)
    NICKNAMES[_canonical] = _canonical

_ABBREVIATIONS = {
    "RD": "ROAD",
    "ST": "STREET",
    "AVE": "AVENUE",
    "AV": "AVENUE",
    "LN": "LANE",
    "DR": "DRIVE",
    "CL": "CLOSE",
    "CT": "COURT",
    "CRES": "CRESCENT",
    "GDNS": "GARDENS",
    "GRN": "GREEN",
    "PL": "PLACE",
    "SQ": "SQUARE",
    "TER": "TERRACE",
    "TERR": "TERRACE",
    "APARTMENT": "FLAT",
    "APT": "FLAT",
}


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def name_key(text: str) -> str:
    """Lower case, accents and punctuation removed, one space between words."""
    text = _ascii(text or "").lower().replace("'", "")
    return " ".join(re.sub(r"[^a-z]+", " ", text).split())


def canonical_first(key: str) -> str:
    """The first given name's canonical form: ``bob`` -> ``robert``; unknown names as they are."""
    first = key.split(" ", 1)[0] if key else ""
    return NICKNAMES.get(first, first)


def parse_postcode(text: str) -> str | None:
    """``"sw1a1aa"`` -> ``"SW1A 1AA"``; None when it is not a UK postcode."""
    compact = re.sub(r"\s+", "", (text or "").upper())
    match = POSTCODE_RE.match(compact)
    if not match:
        return None
    return f"{match.group(1)} {match.group(2)}"


def postcode_sector(postcode: str) -> str:
    return postcode[:-2] if postcode else ""


def postcode_district(postcode: str) -> str:
    return postcode.split(" ", 1)[0] if postcode else ""


def parse_date(text: str) -> date | None:
    """ISO ``YYYY-MM-DD`` or UK ``DD/MM/YYYY``; None when impossible (31 February)."""
    text = (text or "").strip()
    match = re.match(r"^(\d{4})-(\d{1,2})-(\d{1,2})$", text)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = re.match(r"^(\d{1,2})/(\d{1,2})/(\d{4})$", text)
        if not match:
            return None
        day, month, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def swapped(value: date | None) -> date | None:
    """The date with day and month exchanged, when that is a different valid date."""
    if value is None or value.day > 12 or value.day == value.month:
        return None
    return date(value.year, value.day, value.month)


def parse_email(text: str) -> str | None:
    text = (text or "").strip().lower()
    return text if EMAIL_RE.match(text) and len(text) <= 254 else None


def parse_phone(text: str) -> str | None:
    """UK numbers in national form (``07700900123``); None when it cannot be one."""
    digits = re.sub(r"[^0-9+]", "", text or "")
    if digits.startswith("+44"):
        digits = "0" + digits[3:]
    elif digits.startswith("0044"):
        digits = "0" + digits[4:]
    if "+" in digits or not re.fullmatch(r"0[0-9]{9,10}", digits):
        return None
    return digits


def address_key(text: str) -> str:
    """Upper case, punctuation removed, common abbreviations expanded."""
    words = re.sub(r"[^A-Z0-9]+", " ", _ascii(text or "").upper()).split()
    return " ".join(_ABBREVIATIONS.get(word, word) for word in words)


def person_keys(first_name: str, surname: str, dob: date | None, postcode: str) -> dict:
    first = name_key(first_name)
    return {
        "first_key": first,
        "first_canon": canonical_first(first),
        "surname_key": name_key(surname),
        "dob_swapped": swapped(dob),
        "sector": postcode_sector(postcode),
        "district": postcode_district(postcode),
    }
