"""People and bodies: records shared across cases, defined once, referenced by id;
and the relations between them, each a sourced statement (a factoid)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

import attrs

from casework.model.evidence import Citation, Origin

__all__ = ["KINDS", "LEVELS", "Person", "PersonKind", "Relation"]

PersonKind = Literal["person", "body", "group"]
KINDS = ("person", "body", "group")
#: The levels of Party bodies, lowest first, when people.toml does not list its own
#: (``levels = [...]``): from the volost to the Central Committee and its bodies.
LEVELS = (
    "volost",
    "uyezd",
    "district",
    "gubernia",
    "regional",
    "central",
    "central_committee",
    "politburo",
)


def _tuple_of_str(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(items)


def _tuple_of_relations(items: Iterable[Relation]) -> tuple[Relation, ...]:
    return tuple(items)


@attrs.frozen(kw_only=True)
class Relation:
    """A tie between two people or bodies, as a source states it (a factoid):
    ``person`` is the ``relation`` of ``of`` ("kasparov" is the "brother" of
    "kasparova-popova"). ``basis = "inferred"`` marks the modeller's reading,
    with ``reasoning``."""

    person: str
    relation: str
    of: str
    citation: Citation
    basis: str = "stated"
    account_of: str = ""
    reasoning: str = ""
    origin: Origin | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen(kw_only=True)
class Person:
    """A person, a commission or another body, or a group of people acting together."""

    id: str
    name: str
    kind: PersonKind = "person"
    full_name: str = ""
    level: str = ""
    members: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str)
    #: Why these are the members, when that is the modeller's reading of the sources.
    members_reasoning: str = ""
    description: str = ""
    #: The relations in which this person is ``person`` (``[[relations]]`` in people.toml).
    relations: tuple[Relation, ...] = attrs.field(default=(), converter=_tuple_of_relations)
