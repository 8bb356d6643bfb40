"""Resolvers bound onto the schema built from schema.graphql.

Plain fields resolve from the dicts the simulator builds (graphql-core's default
resolver reads dict keys); only fields that take arguments, change state or need
a fresh pre-signed URL get a resolver here. ``info.context`` is a ``Context``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graphql import (
    GraphQLAbstractType,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLSchema,
    GraphQLUnionType,
    build_schema,
)

from .models import AlreadyInvited, QuotaExceeded

if TYPE_CHECKING:
    from .sim import HireflixSim


@dataclass
class Context:
    sim: HireflixSim


def load_schema() -> GraphQLSchema:
    schema = build_schema(Path(__file__).with_name("schema.graphql").read_text())
    _bind(schema)
    return schema


def _sim(info: GraphQLResolveInfo) -> HireflixSim:
    return info.context.sim


# --- queries ---------------------------------------------------------------------------


def positions(_root: Any, info: GraphQLResolveInfo) -> list[dict[str, Any]]:
    sim = _sim(info)
    return [sim.position_data(p) for p in sim.account.positions.values() if p.deleted_at is None]


def position(_root: Any, info: GraphQLResolveInfo, id: str) -> dict[str, Any]:
    sim = _sim(info)
    return sim.position_data(sim.position_or_404(id))


def interview(_root: Any, info: GraphQLResolveInfo, id: str) -> dict[str, Any]:
    sim = _sim(info)
    return sim.interview_data(sim.interview_or_404(id))


def paginated_interviews(
    obj: dict[str, Any], info: GraphQLResolveInfo, pagination: dict[str, Any] | None = None, status: str | None = None
) -> dict[str, Any]:
    return _sim(info).page_interviews(obj["id"], pagination or {}, status)


def interview_position(obj: dict[str, Any], info: GraphQLResolveInfo) -> dict[str, Any]:
    sim = _sim(info)
    return sim.position_data(sim.account.positions[obj["position"]["id"]])


def interview_questions(obj: dict[str, Any], info: GraphQLResolveInfo) -> list[dict[str, Any]]:
    sim = _sim(info)
    return sim.questions_data(sim.account.interviews[obj["id"]])


def templates(_root: Any, info: GraphQLResolveInfo, type: str) -> dict[str, Any]:
    return {"list": [t for t in _sim(info).account.templates if t["type"] == type]}


def company_info(_root: Any, info: GraphQLResolveInfo) -> dict[str, Any]:
    account = _sim(info).account
    return {"company": {"id": account.company_id, "name": account.company_name, "logs": {}}}


def audit(_obj: Any, info: GraphQLResolveInfo, pagination: dict[str, Any] | None = None) -> dict[str, Any]:
    return _sim(info).page_audit(pagination or {})


# --- mutations ---------------------------------------------------------------------------


def invite_candidate_to_interview(_root: Any, info: GraphQLResolveInfo, input: dict[str, Any]) -> dict[str, Any]:
    """The union-typed invite: a duplicate or an exhausted quota is a result, not an error."""
    candidate = input["candidate"]
    try:
        created = _sim(info).invite(
            input["positionId"],
            email=candidate["email"],
            first_name=candidate["firstName"],
            last_name=candidate["lastName"],
            phone=candidate.get("phone"),
            external_id=input.get("externalId"),
        )
    except (AlreadyInvited, QuotaExceeded) as refused:
        return {"__typename": refused.typename, "code": refused.code, "message": refused.message}
    return {"__typename": "InterviewType", **_sim(info).interview_data(created)}


def position_mutation(_root: Any, info: GraphQLResolveInfo, id: str) -> Any:
    return _sim(info).position_or_404(id)


def legacy_invite(obj: Any, info: GraphQLResolveInfo, candidate: dict[str, Any], externalId: str | None = None) -> Any:
    """Position > invite: every refusal lands in the errors array with its code."""
    first, _, last = candidate["name"].strip().partition(" ")
    sim = _sim(info)
    created = sim.invite(
        obj.id,
        email=candidate["email"],
        first_name=first,
        last_name=last,
        phone=candidate.get("phone"),
        external_id=externalId,
    )
    return sim.interview_data(created)


def delete_position(obj: Any, info: GraphQLResolveInfo) -> bool:
    return _sim(info).delete_position(obj)


def interview_mutation(_root: Any, info: GraphQLResolveInfo, id: str) -> Any:
    return _sim(info).interview_or_404(id)


def share(obj: Any, info: GraphQLResolveInfo, durationInDays: int = 75) -> dict[str, Any]:
    return {"externalLink": {"url": _sim(info).share(obj, durationInDays)}}


def delete_interview(obj: Any, info: GraphQLResolveInfo) -> bool:
    return _sim(info).delete_interview(obj)


def create_webhook(_obj: Any, info: GraphQLResolveInfo, url: str, events: list[str]) -> bool:
    return _sim(info).create_webhook(url, events)


def add_member(_obj: Any, info: GraphQLResolveInfo, email: str) -> bool:
    return _sim(info).add_member(email)


def remove_member(_obj: Any, info: GraphQLResolveInfo, id: str | None = None, email: str | None = None) -> bool:
    return _sim(info).remove_member(id, email)


def _namespace(_root: Any, _info: GraphQLResolveInfo) -> dict[str, Any]:
    """Webhooks, Company and Member only group their mutations."""
    return {}


def _resolve_union(value: dict[str, Any], _info: GraphQLResolveInfo, _type: GraphQLAbstractType) -> str:
    return value["__typename"]


RESOLVERS: dict[str, dict[str, Any]] = {
    "Query": {
        "positions": positions,
        "position": position,
        "interview": interview,
        "Template": templates,
        "info": company_info,
    },
    "PositionType": {"paginatedInterviews": paginated_interviews},
    "InterviewType": {"position": interview_position, "questions": interview_questions},
    "CompanyLogsType": {"audit": audit},
    "Mutation": {
        "inviteCandidateToInterview": invite_candidate_to_interview,
        "Position": position_mutation,
        "Interview": interview_mutation,
        "Webhooks": _namespace,
        "Company": _namespace,
    },
    "PositionNestedMutation": {"invite": legacy_invite, "delete": delete_position},
    "InterviewNestedMutation": {"share": share, "delete": delete_interview},
    "WebhooksNestedMutation": {"create": create_webhook},
    "CompanyNestedMutation": {"Member": _namespace},
    "MemberNestedMutation": {"add": add_member, "remove": remove_member},
}


def _bind(schema: GraphQLSchema) -> None:
    for type_name, fields in RESOLVERS.items():
        graphql_type = schema.get_type(type_name)
        assert isinstance(graphql_type, GraphQLObjectType), type_name
        for field_name, resolver in fields.items():
            graphql_type.fields[field_name].resolve = resolver
    union = schema.get_type("InviteCandidateToInterviewResult")
    assert isinstance(union, GraphQLUnionType)
    union.resolve_type = _resolve_union
