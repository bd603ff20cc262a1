"""What each flag means to the reader: a short title, and one or two sentences on the risk and
the fix ("hold up the mirror"), in the reader's terms.

The sentences use %(referrer)s, %(pin)s and %(contact)s, which become a first name, a
description, or "you" for the reader, so they are written to read well either way: no verb
right after a placeholder ("you knows"), no possessive built from a name.
"""
from __future__ import annotations

from collections.abc import Mapping

from composer.i18n import t
from model import Flag, Kind, Role

# The order a busy reader should fix things in: trust first, then focus, then details.
# Every flag has its place here and its words below: a test holds ORDER to the whole of `Flag`.
ORDER: tuple[Flag, ...] = (
    Flag.UNKNOWN_REFERRER, Flag.REFERRER_UNREACHABLE, Flag.NO_OPT_IN, Flag.NO_RELATIONSHIP,
    Flag.NO_SPECIFIC_ASK, Flag.NO_GOAL, Flag.NO_TIMELINE, Flag.NO_REQUIREMENTS, Flag.NO_RESUME,
)
CODES = frozenset(ORDER)


def title(code: Flag) -> str:
    return {
        Flag.NO_OPT_IN: t("Not asked first"),
        Flag.UNKNOWN_REFERRER: t("Nobody named vouches for this"),
        Flag.REFERRER_UNREACHABLE: t("The referrer isn't on the thread"),
        Flag.NO_RELATIONSHIP: t("How they know each other"),
        Flag.NO_SPECIFIC_ASK: t("No concrete ask"),
        Flag.NO_GOAL: t("No goal"),
        Flag.NO_TIMELINE: t("No timeline"),
        Flag.NO_REQUIREMENTS: t("No salary or place"),
        Flag.NO_RESUME: t("No resume"),
    }[code]


def noun(code: Flag) -> str:
    """The missing thing itself, for a list ("Also missing: a timeline, a resume")."""
    return {
        Flag.NO_OPT_IN: t("asking first"),
        Flag.UNKNOWN_REFERRER: t("someone named who vouches"),
        Flag.REFERRER_UNREACHABLE: t("the referrer on the thread"),
        Flag.NO_RELATIONSHIP: t("how they know each other"),
        Flag.NO_SPECIFIC_ASK: t("a concrete ask"),
        Flag.NO_GOAL: t("a goal"),
        Flag.NO_TIMELINE: t("a timeline"),
        Flag.NO_REQUIREMENTS: t("salary and place"),
        Flag.NO_RESUME: t("a resume"),
    }[code]


def line(code: Flag, kind: Kind, reader: Role, v: Mapping[str, str]) -> str:
    """The risk and the fix in a sentence or two, for this reader of this kind of hand-off."""
    if code is Flag.NO_OPT_IN:
        if reader is Role.CONTACT:
            return t("Nobody asked you first, so you owe nobody a reply.")
        if kind is Kind.DIRECT_INTRO:
            return t("%(contact)s wasn't asked before the intro, so a no is awkward now. The note below makes "
                     "it easy.", **v)
        if reader is Role.PIN:
            return t("%(contact)s wasn't asked first. A line from %(referrer)s, asking first, carries far more "
                     "weight.", **v)
        return t("An intro out of the blue puts %(contact)s on the spot. Baton asks first, and connects them "
                 "only if both say yes.", **v)
    if code is Flag.UNKNOWN_REFERRER:
        if reader is Role.CONTACT:
            return t("\"Someone suggested it\" carries no trust. Ask %(pin)s who exactly, then ask that person "
                     "for a proper intro.", **v)
        if reader is Role.PIN:
            return t("Say who suggested it, and ask them to introduce you themselves.")
        return t("Find out who exactly suggested it, and ask them to make the intro.")
    if code is Flag.REFERRER_UNREACHABLE:
        if reader is Role.CONTACT:
            return t("Without %(referrer)s, nobody vouches for %(pin)s. The note to %(referrer)s below asks for "
                     "a proper intro.", **v)
        return t("Nobody can check the story with %(referrer)s. Add %(referrer)s to the thread.", **v)
    if code is Flag.NO_RELATIONSHIP:
        return t("%(contact)s will weigh the request by that link. Add a line on how %(referrer)s and %(pin)s "
                 "know each other.", **v)
    if code is Flag.NO_SPECIFIC_ASK:
        return t("One specific request is easy to say yes to: a 20-minute call, a referral, a look at a "
                 "resume.")
    if code is Flag.NO_GOAL:
        return t("Nobody can help without knowing the roles or companies in view.")
    if code is Flag.NO_TIMELINE:
        return t("A job needed this month and one for next year call for different help.")
    if code is Flag.NO_REQUIREMENTS:
        return t("Salary and location rule out most leads; saying them spares everyone dead ends.")
    if code is Flag.NO_RESUME:
        if reader is Role.PIN:
            return t("Put a link to your resume in the request.")
        return t("A resume shows in a minute where %(pin)s might fit.", **v)
    raise KeyError(code)
