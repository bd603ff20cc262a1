"""What each flag means to the reader: why it matters and how to fix it.

"Hold up the mirror": one line each, in the reader's terms. The sentences use {referrer},
{pin} and {contact}, which become a first name, a description, or "you" for the reader, so
they are written to read well either way (no third-person verb right after a placeholder).
A fix can differ by kind or by who reads it; the lookup order is kind:reader, reader, kind,
then the default.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType


@dataclass(frozen=True)
class Mirror:
    title: str
    why: str
    fix: str
    fix_for: Mapping[str, str] = field(default_factory=dict)

    def fix_text(self, kind: str, reader: str) -> str:
        for k in (f"{kind}:{reader}", reader, kind):
            if k in self.fix_for:
                return self.fix_for[k]
        return self.fix


MIRRORS: Mapping[str, Mirror] = MappingProxyType({
    "no_opt_in": Mirror(
        title="Not asked first",
        why="An intro out of the blue puts {contact} on the spot; a yes that was asked for "
            "is worth far more than one that was cornered.",
        fix="Send {contact} the short request below and connect the two only after a yes.",
        fix_for={
            "contact": "Ask {referrer} to send you a proper request first (note below); "
                       "until then you don't owe anyone a reply.",
            "pin": "Ask {referrer} to check with {contact} first (note below).",
            "direct_intro": "It's done, and that's fine: send {contact} the short note below "
                            "that makes saying no easy.",
        },
    ),
    "unknown_referrer": Mirror(
        title="Nobody named vouches for this",
        why="A referral only works when {contact} can trust the person behind it; "
            "\"so and so said\" carries no trust at all.",
        fix="Find out who exactly suggested it and ask them to make the intro themselves.",
        fix_for={
            "contact": "Ask {pin} who exactly suggested it (note below), then ask that person "
                       "to introduce you properly.",
            "pin": "Say who suggested it, and ask them to introduce you themselves.",
        },
    ),
    "referrer_unreachable": Mirror(
        title="The referrer isn't on the thread",
        why="Without an address for {referrer}, nobody can check the story or hear how "
            "well {referrer} and {pin} know each other.",
        fix="Add {referrer} to the thread, or send the note below asking for a proper intro.",
        fix_for={"contact": "The second note below asks {referrer} for a proper intro."},
    ),
    "no_relationship": Mirror(
        title="Relationship not said",
        why="{contact} will weigh the request by that link: a former manager vouching "
            "counts for more than a friend of a friend.",
        fix="Add one line on how {referrer} and {pin} know each other, for how long, and "
            "one thing {pin} did that {referrer} can speak for.",
        fix_for={"said_to_contact:contact": "The notes below ask for it."},
    ),
    "no_specific_ask": Mirror(
        title="No concrete ask",
        why="\"Anything you can do\" is hard to act on and easy to put off; one specific "
            "request is easy to say yes to.",
        fix="Name one thing {contact} can do in 20 minutes: advice on a role, a referral to "
            "a team, a look at a resume.",
        fix_for={"contact": "The first note below asks {pin} what they would like from you."},
    ),
    "no_goal": Mirror(
        title="No goal",
        why="Nobody can help someone who hasn't said what they want; {contact} would have "
            "to guess, and most people won't.",
        fix="Ask {pin} for two or three target roles or companies (the prep list below).",
        fix_for={"pin": "Write down two or three target roles or companies (prep list below).",
                 "contact": "The first note below asks {pin} for it."},
    ),
    "no_timeline": Mirror(
        title="No timeline",
        why="Needing a job this month and exploring for next year call for different help.",
        fix="Ask {pin} how soon they need to land something.",
        fix_for={"pin": "Say how soon you need to land something.",
                 "contact": "The first note below asks {pin} for it."},
    ),
    "no_requirements": Mirror(
        title="No requirements (salary, location)",
        why="Salary and location rule out most leads; knowing them saves {contact} from "
            "suggesting dead ends.",
        fix="Ask {pin} for a salary range, a location and whether remote works.",
        fix_for={"pin": "Add your salary range, location and whether remote works.",
                 "contact": "The first note below asks {pin} for it."},
    ),
    "no_resume": Mirror(
        title="No resume",
        why="A resume lets {contact} see in a minute where {pin} might fit, and pass it on.",
        fix="Get a resume link from {pin} and put it in the request.",
        fix_for={"pin": "Put a link to your resume in the request.",
                 "direct_intro": "Ask {pin} to send {contact} a resume before they talk.",
                 "contact": "The first note below asks {pin} for it."},
    ),
})

# The order a busy reader should fix things in: trust first, then focus, then details.
ORDER: tuple[str, ...] = (
    "unknown_referrer", "referrer_unreachable", "no_opt_in", "no_relationship",
    "no_specific_ask", "no_goal", "no_timeline", "no_requirements", "no_resume",
)
