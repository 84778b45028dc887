"""The text policy (service/text_policy.py) for string literals written into a document itself:
the body check sees them only as GraphQL source, before the parser decodes their escapes."""

from __future__ import annotations

from graphql import GraphQLError, StringValueNode, ValidationRule

from service.text_policy import TextRefused, checked_text


class TextPolicyRule(ValidationRule):
    def enter_string_value(self, node: StringValueNode, *_args) -> None:
        try:
            checked_text(node.value, "a text in the document")
        except TextRefused as refused:
            self.report_error(GraphQLError(f"text refused: {refused.message}", node))
