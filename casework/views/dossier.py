"""The dossier of a case: who is who, the sources, and how it ended, on one page.

A rich renderable (``casework show CASE``) built from a history and the
casebook it came from: the member; their family and other ties, each with the
words of the source it rests on; the other people and bodies in the case with
their roles (which events they act in or are the object of); the documents
cited, with their provenance; and a compact outcome. A what-if's history gives
the what-if's dossier.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.table import Table
from rich.text import Text

from casework.model.events import BACKGROUND
from casework.model.people import Person, Relation
from casework.model.replay import History
from casework.views.theme import Block, Measure, References, names, outcome_style, plain, prose

__all__ = ["Dossier"]

# How a role in an event reads, for its actors and for its recipients. A kind not
# listed here (a new procedure's) reads as its own name.
_ROLES: dict[str, tuple[str, str]] = {
    BACKGROUND: ("mentioned", "mentioned"),
    "expel": ("expels", "expelled"),
    "appeal": ("appeals", "appealed to"),
    "intercede": ("intercedes", "interceded with"),
    "request_verification": ("asks for verification", "asked to verify"),
    "request_information": ("asks for information", "asked for information"),
    "schedule_hearing": ("schedules a hearing", "to be heard"),
    "cancel_hearing": ("cancels a hearing", "hearing cancelled"),
    "reinstate": ("reinstates", "reinstated"),
    "reinstate_as_candidate": ("reinstates as candidate", "reinstated as candidate"),
    "uphold": ("upholds the expulsion", "expulsion upheld"),
    "annul": ("annuls the expulsion", "expulsion annulled"),
}


def _role(kind: str, as_actor: bool) -> str:
    pair = _ROLES.get(kind)
    if pair is None:
        return kind.replace("_", " ") + ("" if as_actor else " (recipient)")
    return pair[0] if as_actor else pair[1]


def _numbers(seqs: Iterable[int]) -> str:
    return ", ".join(str(n) for n in seqs)


class Dossier:
    """A case's dossier at a glance: person, relations, roles, documents, outcome."""

    def __init__(self, history: History, refs: References, *, whatif: str = "") -> None:
        self.history = history
        self.refs = refs
        #: For a what-if's history: what the what-if asks (shown under the heading).
        self.whatif = whatif

    # -- pieces --------------------------------------------------------------

    def _person(self, pid: str) -> Person | None:
        return self.refs.people.get(pid)

    def _name(self, pid: str) -> str:
        return names(self.refs, [pid])

    def _relations(self) -> list[Relation]:
        """Every relation, in people.toml order."""
        return [r for p in self.refs.people.values() for r in p.relations]

    def _cite(self, rel: Relation) -> Text:
        doc = self.refs.documents.get(rel.citation.document)
        title = (doc.short_title or doc.title) if doc else rel.citation.document
        where = f"{title}, {rel.citation.locator}" if rel.citation.locator else title
        return Text.assemble(
            prose(f"— “{rel.citation.quote}”", "case.cite"), plain(f" ({where})", "case.cite")
        )

    def _basis(self, rel: Relation) -> list[Text]:
        if rel.basis == "inferred":
            return [Text.assemble(("inferred: ", "case.basis.inferred"), prose(rel.reasoning))]
        if rel.basis == "reported":
            whose = self._name(rel.account_of)
            return [
                Text.assemble(("reported: ", "case.basis.reported"), prose(f"{whose}'s account"))
            ]
        if rel.basis == "secondary":
            return [Text.assemble(("secondary: ", "case.basis.secondary"), prose("a later work"))]
        return []

    def heading(self) -> Block:
        """The case's title, id and summary."""
        case = self.history.case
        lines = [Text.assemble(plain(case.title, "case.title"), " · ", plain(case.id, "case.id"))]
        if case.summary:
            lines.append(prose(case.summary, "case.summary"))
        if self.whatif:
            lines.append(
                Text.assemble(("What-if: ", "case.basis.hypothetical"), plain(self.whatif))
            )
        return Block(*lines)

    def member(self) -> RenderableType:
        """The person whose case it is."""
        pid = self.history.case.person
        person = self._person(pid)
        lines: list[RenderableType] = [Text("")]
        lines.append(Text("The member", "case.label"))
        if person is None:
            lines.append(Block(plain(pid), indent=4))
            return Block(*lines)
        name = plain(person.name, "case.who")
        if person.full_name and person.full_name != person.name:
            name.append_text(plain(f" — {person.full_name}"))
        body: list[RenderableType] = [name]
        if person.description:
            body.append(prose(person.description, "case.note"))
        lines.append(Block(*body, indent=4))
        return Block(*lines)

    def family(self) -> RenderableType | None:
        """The member's relations (family and other ties) and the groups they belong to."""
        pid = self.history.case.person
        rows: list[tuple[str, list[RenderableType]]] = []
        for rel in self._relations():
            if rel.of == pid:
                body: list[RenderableType] = [plain(self._name(rel.person), "case.who")]
                other = self._person(rel.person)
                if other and other.description:
                    body.append(prose(other.description, "case.note"))
                body += [self._cite(rel), *self._basis(rel)]
                rows.append((rel.relation, body))
            elif rel.person == pid:
                body = [plain(self._name(rel.of), "case.who"), self._cite(rel), *self._basis(rel)]
                rows.append((f"{rel.relation} of", body))
        for group in self.refs.people.values():
            if pid in group.members:
                others = [self._name(m) for m in group.members if m != pid]
                body = [plain(group.name, "case.who")]
                if others:
                    body.append(plain("with " + ", ".join(others), "case.note"))
                if group.members_reasoning:
                    body.append(
                        Text.assemble(
                            ("inferred: ", "case.basis.inferred"), prose(group.members_reasoning)
                        )
                    )
                rows.append(("member of", body))
        if not rows:
            return None
        return Block(Text(""), Text("Family and relations", "case.label"), self._table(rows))

    def people(self) -> RenderableType | None:
        """Everyone else named in the case's events, with their roles and ties."""
        member = self.history.case.person
        roles: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        for event in self.history.events:
            read = dict(event.inferred)  # a part the modeller infers is marked so
            for pid in event.actors:
                role = _role(event.kind, True) + (" (inferred)" if "actors" in read else "")
                roles[pid][role].append(event.seq)
            for pid in event.recipients:
                role = _role(event.kind, False) + (" (inferred)" if "recipients" in read else "")
                roles[pid][role].append(event.seq)
        roles.pop(member, None)
        if not roles:
            return None
        rows: list[tuple[str, list[RenderableType]]] = []
        for pid, by_role in roles.items():
            label = "; ".join(f"{role} ({_numbers(seqs)})" for role, seqs in by_role.items())
            body: list[RenderableType] = [plain(label)]
            person = self._person(pid)
            role = self.history.case.role(pid)
            if role:
                body.append(prose(role, "case.who"))
            if person and person.level:
                body.append(plain(f"level: {person.level}", "case.note"))
            if person and person.description:
                body.append(prose(person.description, "case.note"))
            for rel in self._relations():
                if rel.person == pid and rel.of != member:
                    tie = f"{rel.relation} of: {self._name(rel.of)}"
                    if rel.basis == "inferred":
                        tie += " (inferred)"
                    body.append(plain(tie))
            rows.append((self._name(pid), body))
        return Block(
            Text(""),
            Text("People and bodies in the case", "case.label"),
            Text("(event numbers as on the timeline)", "case.note"),
            self._table(rows),
        )

    def documents(self) -> RenderableType:
        """The documents the case's events cite, how often, and their provenance."""
        counts: Counter[str] = Counter()
        for event in self.history.events:
            if event.citation is not None:
                counts[event.citation.document] += 1
        lines: list[RenderableType] = [Text(""), Text("Documents cited", "case.label")]
        if not counts:
            lines.append(Block(Text("none (every event is hypothetical)", "case.note"), indent=4))
        for did, n in counts.items():
            doc = self.refs.documents.get(did)
            title = doc.title if doc else did
            head = Text.assemble(
                plain(title, "case.who"),
                plain(f" [{did}]", "case.id"),
                (f" — cited by {n} event{'s' if n != 1 else ''}", "case.note"),
            )
            body: list[RenderableType] = [head]
            if doc is not None:
                if doc.provenance:
                    body.append(prose(doc.provenance))
                body.append(plain(f"Text: {doc.file}", "case.cite"))
            lines.append(Block(*body, indent=4))
        return Block(*lines)

    def outcome(self) -> Block:
        """The outcome (or where a partial replay stopped), the path and the evidence."""
        h = self.history
        events = h.events
        moving = [e for e in events if e.moves_state]
        bases = Counter(e.basis for e in moving)
        if h.is_partial:
            head = Text.assemble(
                (f"Stopped after event {h.stopped_after}: ", "case.label"),
                ("state ", ""),
                plain(h.state, "case.state"),
            )
        else:
            head = Text.assemble(
                ("Outcome: ", "case.label"), plain(h.outcome, outcome_style(h.outcome))
            )
            last = moving[-1] if moving else None
            if last is not None:
                head.append_text(plain(f" (event {last.seq}, {last.date.display()})", "case.note"))
        evidence = f"{len(moving)} event{'s move' if len(moving) != 1 else ' moves'} the case"
        details = [f"{n} {basis}" for basis, n in sorted(bases.items())]
        evidence += f" ({', '.join(details)})" if details else ""
        background = len(events) - len(moving)
        evidence += f"; {background} background fact{'s' if background != 1 else ''}"
        return Block(
            Text(""),
            head,
            Text.assemble(("Path: ", "case.label"), plain(" → ".join(h.states), "case.state")),
            Text.assemble(("Evidence: ", "case.label"), plain(evidence)),
        )

    @staticmethod
    def _table(rows: list[tuple[str, list[RenderableType]]]) -> Block:
        table = Table(box=None, show_header=False, show_edge=False, padding=(0, 2, 0, 0))
        # Long words fold rather than end in "…": text from a file is shown whole.
        table.add_column(no_wrap=False, max_width=24, overflow="fold")
        table.add_column(ratio=1, overflow="fold")
        for label, body in rows:
            table.add_row(plain(label, "case.label"), Block(*body))
        return Block(table, indent=4)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        parts = [self.heading(), self.member(), self.family(), self.people()]
        parts += [self.documents(), self.outcome()]
        yield Measure(Group(*(p for p in parts if p is not None)))
