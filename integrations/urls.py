from django.urls import path

from . import board_views, invitation_views, preview_views, views, webhooks

app_name = "integrations"
urlpatterns = [
    path("webhooks/<str:vendor>/<str:token>/", webhooks.receive, name="webhook"),
    path("jobs/<int:pk>/send-assessment/", views.send_assessment, name="send-assessment"),
    path("jobs/<int:pk>/send-assessment/preview/", preview_views.send_preview, name="send-preview"),
    path("jobs/<int:pk>/badges/", board_views.job_badges, name="job-badges"),
    path("sends/<int:pk>/", invitation_views.bulk_send, name="bulk-send"),
    path("invitations/<int:pk>/results/", views.invitation_results, name="invitation-results"),
    path("invitations/<int:pk>/send-again/", views.send_again, name="send-again"),
    path("invitations/<int:pk>/cancel/", views.cancel_invitation, name="cancel"),
    path("invitations/<int:pk>/remind/", views.remind_invitation, name="remind"),
    path("invitations/<int:pk>/reinvite/", views.reinvite_invitation, name="reinvite"),
    path("jobs/<int:pk>/invitations/cancel/", views.act_on_invitations, {"action": "cancel"}, name="cancel-many"),
    path("jobs/<int:pk>/invitations/remind/", views.act_on_invitations, {"action": "remind"}, name="remind-many"),
    path("sends/<int:pk>/cancel/", views.act_on_bulk_send, {"action": "cancel"}, name="bulk-send-cancel"),
    path("sends/<int:pk>/remind/", views.act_on_bulk_send, {"action": "remind"}, name="bulk-send-remind"),
    path("sends/<int:pk>/retry/", views.act_on_bulk_send, {"action": "retry"}, name="bulk-send-retry"),
    path("invitations/", invitation_views.invitation_list, name="invitation-list"),
    path("invitations/<str:action>/", invitation_views.act_on_listed, name="invitations-act"),
]
