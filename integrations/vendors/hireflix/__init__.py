"""Hireflix: GraphQL over ``POST /me`` with the ``X-API-KEY`` header (documents 001 and 002).

A position is a set of questions (our assessment, kind "position"); an interview is one
candidate invited to one position. Our idempotency key travels as the interview's
``externalId`` and comes back in every listing and webhook. Hireflix also refuses a second
interview for the same email in a position, so a retried invite never creates a second one:
it comes back as ``InterviewAlreadyExistsInPositionError`` and the existing interview is
adopted (``duplicate=True``, with its ids).

    client.py     HireflixClient: transport, invites, lookups, status polling, links, media
    documents.py  the GraphQL documents (batches are aliased fields of one document)
    graphql.py    Hireflix's GraphQL errors onto the shared error taxonomy
    statuses.py   Hireflix's interview statuses mapped onto ours, one table
    webhooks.py   validate and normalize an inbound delivery (Hireflix signs nothing)
"""

from .client import HireflixClient

__all__ = ["HireflixClient"]
