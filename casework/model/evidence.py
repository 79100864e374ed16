"""Evidence: where a statement stands in its source (a citation), where it was
read from (an origin), and on what basis it is made, with the rule that binds
basis and reasoning, written once for events, relations and archive rows."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Literal

import attrs

from casework.errors import CaseworkError

__all__ = [
    "BASES",
    "CASE_BASES",
    "PARTS",
    "WHATIF_BASES",
    "Basis",
    "Broken",
    "Citation",
    "InvalidRecord",
    "Origin",
    "evidence_rules",
]

Basis = Literal["stated", "reported", "secondary", "inferred", "hypothetical"]
#: Every basis a statement may have: its source's author states it; the author
#: reports someone else's account (``account_of``); a secondary work (a later
#: historian's) says it; the modeller infers it (``reasoning``); or it is a
#: what-if's hypothesis.
BASES: tuple[str, ...] = ("stated", "reported", "secondary", "inferred", "hypothetical")

#: The bases a historical record may have.
CASE_BASES: tuple[str, ...] = ("stated", "reported", "secondary", "inferred")

#: The parts of an event that may be inferred on their own (``[events.inferred]``).
PARTS: tuple[str, ...] = ("kind", "date", "actors", "recipients")
#: A what-if's own events may also be hypothetical.
WHATIF_BASES: tuple[str, ...] = (*CASE_BASES, "hypothetical")


@attrs.frozen
class Broken:
    """A rule a record breaks: the key it is about (None: the record as a whole),
    what is wrong, and what was expected."""

    key: str | None
    what: str
    expected: str = ""


def evidence_rules(
    basis: str,
    reasoning: str,
    *,
    bases: Collection[str],
    cited: bool,
    noun: str = "event",
    account_of: str = "",
) -> list[Broken]:
    """Basis and reasoning go together: an inference says why, a stated or
    reported record does not (its reasoning would be the modeller's,
    unlabelled), a report says whose account it reports, and a hypothesis gives
    reasoning instead of a quote."""
    if basis not in bases:
        expected = "expected one of: " + ", ".join(bases)
        shown = repr(basis) if len(repr(basis)) <= 60 else repr(basis)[:59] + "…"
        return [Broken("basis", f"basis {shown} is not known", expected)]
    found: list[Broken] = []
    has_reasoning = bool(reasoning.strip())
    if basis == "inferred" and not has_reasoning:
        found.append(
            Broken(
                "basis",
                f"an inferred {noun} has no reasoning",
                "expected reasoning = why the modeller infers it",
            )
        )
    if basis in ("stated", "reported", "secondary") and has_reasoning:
        found.append(
            Broken(
                "reasoning",
                f"reasoning is given but basis is {basis!r}",
                'expected basis = "inferred" (the reasoning is the modeller\'s) or no reasoning',
            )
        )
    if basis == "reported" and not account_of:
        found.append(
            Broken(
                "basis",
                f"a reported {noun} does not say whose account it is",
                "expected account_of = the id of the person whose account the source reports",
            )
        )
    if account_of and basis != "reported":
        found.append(
            Broken(
                "account_of",
                f"account_of is given but basis is {basis!r}",
                'expected basis = "reported" with account_of, or neither',
            )
        )
    if basis == "hypothetical":
        if cited:
            found.append(
                Broken(
                    "quote",
                    f"a hypothetical {noun} quotes a source",
                    "expected reasoning instead of source and quote",
                )
            )
        if not has_reasoning:
            found.append(
                Broken(
                    "basis",
                    f"a hypothetical {noun} has no reasoning",
                    "expected reasoning = why this might have happened",
                )
            )
    return found


class InvalidRecord(CaseworkError, ValueError):
    """A record built in code breaks a rule; keeps ``.record`` (what it is) and
    ``.broken`` (each rule broken). Readers of files report the same rules as
    problems at their lines instead."""

    def __init__(self, record: str, broken: Sequence[Broken]) -> None:
        self.record = record
        self.broken = tuple(broken)
        first = self.broken[0]
        text = f"{record}: {first.what}" + (f"; {first.expected}" if first.expected else "")
        super().__init__(text)


@attrs.frozen
class Origin:
    """Where a record was read from: file and line, for error messages."""

    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


@attrs.frozen
class Citation:
    """Words a statement rests on: a document id, a place in it, the exact quote;
    and on what basis those words support it (``stated`` by the document's
    author, ``reported`` from ``account_of``'s account, ``secondary``, or
    ``inferred`` with ``reasoning``)."""

    document: str
    locator: str
    quote: str
    basis: str = "stated"
    account_of: str = ""
    reasoning: str = ""

    def to_mapping(self) -> dict[str, str]:
        """The JSON form: source, locator, quote, basis (and account_of, reasoning)."""
        out = {
            "source": self.document,
            "locator": self.locator,
            "quote": self.quote,
            "basis": self.basis,
        }
        if self.account_of:
            out["account_of"] = self.account_of
        if self.reasoning:
            out["reasoning"] = self.reasoning
        return out
