"""The API's root: /api/v1/ (the pipeline and the integrations), its OpenAPI schema at /api/schema/ and
its docs page at /api/docs/ (Swagger UI, served from our own static files)."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.request import Request
from rest_framework.response import Response

from . import interviews, views

app_name = "api"


class SchemaView(SpectacularAPIView):
    """The schema document, which describes the API, not itself."""

    @extend_schema(exclude=True)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


v1: list[URLPattern | URLResolver] = [
    path("", include("candidates.api.urls")),
    path("assessments/", views.AssessmentList.as_view(), name="assessment-list"),
    path("bulk-sends/", views.BulkSendCreate.as_view(), name="bulk-send-create"),
    path("bulk-sends/preview/", views.BulkSendPreview.as_view(), name="bulk-send-preview"),
    path("bulk-sends/<int:pk>/", views.BulkSendDetail.as_view(), name="bulk-send"),
    path("interviews/", interviews.InterviewList.as_view(), name="interview-list"),
    path("interviews/<int:pk>/", interviews.InterviewDetail.as_view(), name="interview-detail"),
    path("invitations/", views.InvitationList.as_view(), name="invitation-list"),
    path("invitations/<int:pk>/", views.InvitationDetail.as_view(), name="invitation-detail"),
    path("invitations/<int:pk>/results/", views.InvitationResults.as_view(), name="invitation-results"),
    path("invitations/<int:pk>/cancel/", views.InvitationCancel.as_view(), name="invitation-cancel"),
    path("invitations/<int:pk>/remind/", views.InvitationRemind.as_view(), name="invitation-remind"),
    path("invitations/<int:pk>/reinvite/", views.InvitationReinvite.as_view(), name="invitation-reinvite"),
    path("invitations/cancel/", views.InvitationsCancel.as_view(), name="invitations-cancel"),
    path("invitations/remind/", views.InvitationsRemind.as_view(), name="invitations-remind"),
]

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SchemaView.as_view(), name="schema"),
    # A page for people: the sign-in page first, then the schema read with the session.
    path("docs/", login_required(SpectacularSwaggerView.as_view(url_name="api:schema")), name="docs"),
    # Merge's SDKs append /ats/v1/interviews to their base URL: theirs is <server>/api/merge.
    path("merge/ats/v1/interviews", interviews.MergeInterviewList.as_view(), name="merge-interview-list"),
    path("merge/ats/v1/interviews/<int:pk>", interviews.MergeInterviewDetail.as_view(), name="merge-interview-detail"),
]
