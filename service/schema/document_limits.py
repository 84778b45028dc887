"""What one document may ask — depth, aliases and cost — checked in time linear in the document.

Strawberry's depth and alias limiters walk every fragment spread again: a 1,112-character
document of 20 fragments, each spreading the next twice, took 5.2 s to validate and stalled every
other request meanwhile (issue 15). Here each fragment is measured once and its measure reused
wherever it is spread, so the same document is refused in well under a millisecond. The cost is
what executing the document could mean: the fields it selects once fragments are spread, a list
with `first: n` counting its selection n times.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationRule,
)
from graphql.type import GraphQLObjectType, GraphQLSchema

from service.paging import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

# The deepest query portals need (a referral's case's assessment entries) is 6 levels, a partner
# list with all its fields some 400 tokens; a page of 100 cases with all their fields costs about
# 5,000.
MAX_DEPTH = 10
MAX_ALIASES = 20
MAX_COST = 20_000


@dataclass(frozen=True, slots=True)
class Measure:
    depth: int
    aliases: int
    cost: int

    def __add__(self, other: Measure) -> Measure:
        return Measure(
            max(self.depth, other.depth), self.aliases + other.aliases, self.cost + other.cost
        )


NOTHING = Measure(0, 0, 0)


class _Measuring:
    """Measures selection sets, each named fragment once (cycles count as nothing: the
    standard NoFragmentCycles rule reports them)."""

    def __init__(
        self, fragments: dict[str, FragmentDefinitionNode], paged: frozenset[str] = frozenset()
    ) -> None:
        self.fragments = fragments
        self.paged = paged
        self.measured: dict[str, Measure] = {}
        self.in_progress: set[str] = set()

    def selection_set(self, node: SelectionSetNode | None) -> Measure:
        total = NOTHING
        for selection in node.selections if node else ():
            total = total + self._selection(selection)
        return total

    def _selection(self, node) -> Measure:
        if isinstance(node, FieldNode) and node.name.value.startswith("__"):
            # Introspection: GraphiQL's own query is 13 levels deep (ofType in ofType), and
            # outside development mode DisableIntrospection refuses it before any of this.
            return NOTHING
        if isinstance(node, FieldNode):
            inner = self.selection_set(node.selection_set)
            repeat = _page_size(node, self.paged)
            return Measure(
                inner.depth + 1 if node.selection_set else 0,
                inner.aliases + (1 if node.alias else 0),
                1 + inner.cost * repeat,
            )
        if isinstance(node, InlineFragmentNode):
            return self.selection_set(node.selection_set)
        if isinstance(node, FragmentSpreadNode):
            return self._fragment(node.name.value)
        return NOTHING

    def _fragment(self, name: str) -> Measure:
        if name in self.measured:
            return self.measured[name]
        fragment = self.fragments.get(name)
        if fragment is None or name in self.in_progress:
            return NOTHING
        self.in_progress.add(name)
        measure = self.measured[name] = self.selection_set(fragment.selection_set)
        self.in_progress.discard(name)
        return measure


def _page_size(node: FieldNode, paged: frozenset[str]) -> int:
    for argument in node.arguments or ():
        if argument.name.value == "first":
            value = argument.value
            if isinstance(value, IntValueNode):
                return max(1, min(int(value.value), MAX_PAGE_SIZE))
            return MAX_PAGE_SIZE  # a variable: the largest page it could ask
    return DEFAULT_PAGE_SIZE if node.name.value in paged else 1


@cache
def _paged_fields(schema: GraphQLSchema) -> frozenset[str]:
    """Names of the fields that take `first`: without it they answer a default page. A field of
    another type with the same name is counted so too, which only overstates its cost."""
    return frozenset(
        name
        for named in schema.type_map.values()
        if isinstance(named, GraphQLObjectType)
        for name, field in named.fields.items()
        if "first" in field.args
    )


class DocumentLimitsRule(ValidationRule):
    """Refuses an operation deeper than MAX_DEPTH, with more than MAX_ALIASES aliases or a cost
    above MAX_COST. Messages keep the words `service/schema/errors.py` maps to codes."""

    def enter_document(self, node, *_args) -> bool:
        fragments = {
            definition.name.value: definition
            for definition in node.definitions
            if isinstance(definition, FragmentDefinitionNode)
        }
        measuring = _Measuring(fragments, _paged_fields(self.context.schema))
        for definition in node.definitions:
            if isinstance(definition, OperationDefinitionNode):
                self._check(definition, measuring.selection_set(definition.selection_set))
        return False  # nothing below needs visiting: the measure saw it all

    def _check(self, operation: OperationDefinitionNode, measure: Measure) -> None:
        name = operation.name.value if operation.name else "anonymous"
        if measure.depth > MAX_DEPTH:
            self.report_error(
                GraphQLError(f"'{name}' exceeds maximum operation depth of {MAX_DEPTH}", operation)
            )
        if measure.aliases > MAX_ALIASES:
            self.report_error(
                GraphQLError(f"{measure.aliases} aliases found. Allowed: {MAX_ALIASES}", operation)
            )
        if measure.cost > MAX_COST:
            self.report_error(
                GraphQLError(
                    f"document too complex: cost {measure.cost} exceeds {MAX_COST}", operation
                )
            )
