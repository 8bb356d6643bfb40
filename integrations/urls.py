from django.urls import path

from . import views, webhooks

app_name = "integrations"
urlpatterns = [
    path("webhooks/<str:vendor>/<str:token>/", webhooks.receive, name="webhook"),
    path("jobs/<int:pk>/send-assessment/", views.send_assessment, name="send-assessment"),
    path("sends/<int:pk>/", views.bulk_send, name="bulk-send"),
    path("invitations/<int:pk>/results/", views.invitation_results, name="invitation-results"),
    path("invitations/<int:pk>/send-again/", views.send_again, name="send-again"),
    path("invitations/<int:pk>/cancel/", views.cancel_invitation, name="cancel"),
    path("invitations/<int:pk>/remind/", views.remind_invitation, name="remind"),
    path("invitations/<int:pk>/reinvite/", views.reinvite_invitation, name="reinvite"),
    path("jobs/<int:pk>/invitations/cancel/", views.act_on_invitations, {"action": "cancel"}, name="cancel-many"),
    path("jobs/<int:pk>/invitations/remind/", views.act_on_invitations, {"action": "remind"}, name="remind-many"),
    path("sends/<int:pk>/cancel/", views.act_on_bulk_send, {"action": "cancel"}, name="bulk-send-cancel"),
    path("sends/<int:pk>/remind/", views.act_on_bulk_send, {"action": "remind"}, name="bulk-send-remind"),
]
