"""The GraphQL documents the Hireflix client sends, all to ``POST /me``.

Ids and cursors are inlined as string literals, as in every example of the document: it
names no argument types (String or ID), and a variable of the wrong type fails validation.
The invite uses variables because the document names their type
(``InviteCandidateToInterviewInput``). Several lookups of one kind share a request as
aliased fields; the answer of each alias is read on its own.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

# The interview fields every listing, lookup and invite reads.
INTERVIEW_FRAGMENT = """
fragment Interview on InterviewType {
  id externalId status answered createdAt completed finalist archived deleted
  score { value } candidate { email } url { public private }
}"""

# The union-typed invite's answer: a created interview or one of two refusals (Q28).
INVITE_SELECTION = """{
    __typename
    ... on InterviewType { ...Interview }
    ... on InterviewAlreadyExistsInPositionError { code message }
    ... on ExceededInvitesThisPeriodError { code message }
  }"""

CHECK_CREDENTIALS = "query CheckCredentials { positions { id } }"

POSITIONS = "query Positions { positions { id name archived } }"

MEDIA = """query InterviewMedia {
  interview(id: %s) {
    id thumbnail
    questions { title description answer { url meta { duration } transcription { languageCode text } } }
  }
}"""

SHARE = "mutation ShareInterview { Interview(id: %s) { share(durationInDays: %d) { externalLink { url } } } }"

DELETE = "mutation DeleteInterview { Interview(id: %s) { delete } }"


def literal(value: str) -> str:
    """A GraphQL string literal: JSON's escaping (ASCII only) is valid GraphQL."""
    return json.dumps(str(value))


def invite_document(count: int) -> str:
    """One mutation inviting ``count`` candidates, alias ``c<n>`` taking variable ``$c<n>``."""
    params = ", ".join(f"$c{n}: InviteCandidateToInterviewInput!" for n in range(count))
    fields = "\n".join(f"  c{n}: inviteCandidateToInterview(input: $c{n}) {INVITE_SELECTION}" for n in range(count))
    return f"mutation InviteCandidates({params}) {{\n{fields}\n}}\n{INTERVIEW_FRAGMENT}"


def pages_document(pages: Mapping[str, tuple[str, str | None]], limit: int) -> str:
    """One query reading the next page of several positions: alias -> (position id, lastCursor)."""
    fields = []
    for alias, (position_id, cursor) in pages.items():
        pagination = f"limit: {limit}" + (f", lastCursor: {literal(cursor)}" if cursor else "")
        fields.append(
            f"  {alias}: position(id: {literal(position_id)}) {{"
            f" paginatedInterviews(pagination: {{{pagination}}}) {{ lastCursor results {{ ...Interview }} }} }}"
        )
    return "query InterviewPages {\n" + "\n".join(fields) + "\n}\n" + INTERVIEW_FRAGMENT


def interviews_document(ids: Mapping[str, str]) -> str:
    """One query reading several interviews by id: alias -> interview id."""
    fields = "\n".join(f"  {alias}: interview(id: {literal(i)}) {{ ...Interview }}" for alias, i in ids.items())
    return "query Interviews {\n" + fields + "\n}\n" + INTERVIEW_FRAGMENT
