"""Validation of the identifiers a council is onboarded with (see docs STANDARDS: ONS GSS codes)."""

import re
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError

# GSS entity prefixes of local authorities (and their areas) that a council tenant may carry.
COUNCIL_GSS_PREFIXES = {
    "E06": "unitary authority",
    "E07": "shire district",
    "E08": "metropolitan district",
    "E09": "London borough",
    "E10": "county",
    "W06": "Welsh unitary authority",
    "S12": "Scottish council area",
    "N09": "Northern Ireland district",
}
# Which GSS prefixes a tier may carry.
TIER_PREFIXES = {
    "county": {"E10"},
    "district": {"E07"},
    "unitary": {"E06", "W06", "S12", "N09"},
    "metropolitan": {"E08"},
    "london-borough": {"E09"},
    "other": set(COUNCIL_GSS_PREFIXES),
}
# ASCII digits only: \\d also matches fullwidth and Arabic-Indic digits.
GSS_RE = re.compile(r"^[ENSW][0-9]{8}$")
SLUG_RE = re.compile(r"^[a-z][a-z0-9-]{1,38}[a-z0-9]$")


def validate_gss_code(value: str) -> None:
    if not isinstance(value, str) or len(value) != 9 or not GSS_RE.match(value):
        raise ValidationError(
            "%(value)r is not a GSS code: expected 9 characters, a prefix such as E06 and 6 digits.",
            code="invalid_gss_code",
            params={"value": value},
        )
    if value[:3] not in COUNCIL_GSS_PREFIXES:
        raise ValidationError(
            "%(value)r has prefix %(prefix)s, which is not a council's; expected one of %(known)s.",
            code="unknown_gss_prefix",
            params={
                "value": value,
                "prefix": value[:3],
                "known": ", ".join(sorted(COUNCIL_GSS_PREFIXES)),
            },
        )


# org-id.guide lists for UK local authorities: the nation's register, by the GSS code's first
# letter (E England, W Wales, S Scotland, N Northern Ireland). Their codes are 3 or 4 capitals
# (the registers' keys, e.g. GB-LAE-BIR for Birmingham, GB-WLA-CRF for Cardiff).
ORG_ID_SCHEMES = {"E": "GB-LAE", "W": "GB-WLA", "S": "GB-SLA", "N": "GB-NIA"}
ORG_ID_RE = re.compile(r"^(GB-LAE|GB-WLA|GB-SLA|GB-NIA)-([A-Z]{3,4})$")


def validate_org_id(value: str) -> None:
    """An org-id (org-id.guide) from one of the UK local authority registers."""
    if not isinstance(value, str) or not ORG_ID_RE.match(value):
        raise ValidationError(
            "%(value)r is not a local authority org-id: expected one of %(schemes)s, a hyphen "
            "and the register's code of 3 or 4 capital letters (e.g. GB-LAE-BIR).",
            code="invalid_org_id",
            params={"value": value, "schemes": ", ".join(sorted(set(ORG_ID_SCHEMES.values())))},
        )


def validate_org_id_matches_gss(org_id: str, gss_code: str) -> None:
    """The register must be the council's nation's (its GSS code's first letter)."""
    scheme = ORG_ID_SCHEMES.get((gss_code or "")[:1])
    if scheme and not org_id.startswith(scheme + "-"):
        raise ValidationError(
            {
                "org_id": ValidationError(
                    "%(value)r is in the wrong register for a council with GSS code %(gss)s: "
                    "expected %(scheme)s-<code>.",
                    code="org_id_nation_mismatch",
                    params={"value": org_id, "gss": gss_code, "scheme": scheme},
                )
            }
        )


def validate_council_slug(value: str) -> None:
    if not isinstance(value, str) or not SLUG_RE.match(value) or "--" in value:
        raise ValidationError(
            "%(value)r is not a valid slug: use 3-40 lower-case letters, digits and single hyphens, "
            "starting with a letter.",
            code="invalid_slug",
            params={"value": value},
        )
    if value in settings.RESERVED_COUNCIL_SLUGS:
        raise ValidationError(
            "%(value)r is reserved for the platform; choose another slug.",
            code="reserved_slug",
            params={"value": value},
        )


def validate_tier_matches_gss(tier: str, gss_code: str) -> None:
    allowed = TIER_PREFIXES.get(tier)
    if allowed and gss_code[:3] not in allowed:
        raise ValidationError(
            {
                "gss_code": ValidationError(
                    "%(value)r does not match tier %(tier)r: expected a code starting %(allowed)s.",
                    code="tier_mismatch",
                    params={
                        "value": gss_code,
                        "tier": tier,
                        "allowed": " or ".join(sorted(allowed)),
                    },
                )
            }
        )


def validate_single_line(value: str) -> None:
    """Names go into email subjects and headers: one line, no control characters (CR, LF, NUL,
    tabs...)."""
    if not isinstance(value, str):
        return
    bad = sorted({f"U+{ord(ch):04X}" for ch in value if unicodedata.category(ch) == "Cc"})
    if bad:
        raise ValidationError(
            "Use one line of text without control characters (found %(found)s).",
            code="control_characters",
            params={"found": ", ".join(bad)},
        )
