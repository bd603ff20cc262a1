"""What each flag means to the reader: a short title, and one or two sentences on the risk and
the fix ("hold up the mirror"), in the reader's terms.

The sentences use %(referrer)s, %(pin)s and %(contact)s, which become a first name, a
description, or "you" for the reader, so they are written to read well either way: no verb
right after a placeholder ("you knows"), no possessive built from a name.
"""
from __future__ import annotations

from collections.abc import Mapping

from composer.i18n import t

# The order a busy reader should fix things in: trust first, then focus, then details.
ORDER: tuple[str, ...] = (
    "unknown_referrer", "referrer_unreachable", "no_opt_in", "no_relationship",
    "no_specific_ask", "no_goal", "no_timeline", "no_requirements", "no_resume",
)
CODES = frozenset(ORDER)


def title(code: str) -> str:
    return {
        "no_opt_in": t("Not asked first"),
        "unknown_referrer": t("Nobody named vouches for this"),
        "referrer_unreachable": t("The referrer isn't on the thread"),
        "no_relationship": t("How they know each other"),
        "no_specific_ask": t("No concrete ask"),
        "no_goal": t("No goal"),
        "no_timeline": t("No timeline"),
        "no_requirements": t("No salary or place"),
        "no_resume": t("No resume"),
    }[code]


def noun(code: str) -> str:
    """The missing thing itself, for a list ("Also missing: a timeline, a resume")."""
    return {
        "no_opt_in": t("asking first"),
        "unknown_referrer": t("someone named who vouches"),
        "referrer_unreachable": t("the referrer on the thread"),
        "no_relationship": t("how they know each other"),
        "no_specific_ask": t("a concrete ask"),
        "no_goal": t("a goal"),
        "no_timeline": t("a timeline"),
        "no_requirements": t("salary and place"),
        "no_resume": t("a resume"),
    }[code]


def line(code: str, kind: str, reader: str, v: Mapping[str, str]) -> str:
    """The risk and the fix in a sentence or two, for this reader of this kind of hand-off."""
    if code == "no_opt_in":
        if reader == "contact":
            return t("Nobody asked you first, so you owe nobody a reply.")
        if kind == "direct_intro":
            return t("%(contact)s wasn't asked before the intro, so a no is awkward now. The note below makes "
                     "it easy.", **v)
        if reader == "pin":
            return t("%(contact)s wasn't asked first. A line from %(referrer)s, asking first, carries far more "
                     "weight.", **v)
        return t("An intro out of the blue puts %(contact)s on the spot. Baton asks first, and connects them "
                 "only if both say yes.", **v)
    if code == "unknown_referrer":
        if reader == "contact":
            return t("\"Someone suggested it\" carries no trust. Ask %(pin)s who exactly, then ask that person "
                     "for a proper intro.", **v)
        if reader == "pin":
            return t("Say who suggested it, and ask them to introduce you themselves.")
        return t("Find out who exactly suggested it, and ask them to make the intro.")
    if code == "referrer_unreachable":
        if reader == "contact":
            return t("Without %(referrer)s, nobody vouches for %(pin)s. The note to %(referrer)s below asks for "
                     "a proper intro.", **v)
        return t("Nobody can check the story with %(referrer)s. Add %(referrer)s to the thread.", **v)
    if code == "no_relationship":
        return t("%(contact)s will weigh the request by that link. Add a line on how %(referrer)s and %(pin)s "
                 "know each other.", **v)
    if code == "no_specific_ask":
        return t("One specific request is easy to say yes to: a 20-minute call, a referral, a look at a "
                 "resume.")
    if code == "no_goal":
        return t("Nobody can help without knowing the roles or companies in view.")
    if code == "no_timeline":
        return t("A job needed this month and one for next year call for different help.")
    if code == "no_requirements":
        return t("Salary and location rule out most leads; saying them spares everyone dead ends.")
    if code == "no_resume":
        if reader == "pin":
            return t("Put a link to your resume in the request.")
        return t("A resume shows in a minute where %(pin)s might fit.", **v)
    raise KeyError(code)
