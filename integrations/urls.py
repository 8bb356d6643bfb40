from django.urls import path

from . import views, webhooks

app_name = "integrations"
urlpatterns = [
    path("webhooks/<str:vendor>/<str:token>/", webhooks.receive, name="webhook"),
    path("jobs/<int:pk>/send-assessment/", views.send_assessment, name="send-assessment"),
    path("sends/<int:pk>/", views.bulk_send, name="bulk-send"),
    path("invitations/<int:pk>/results/", views.invitation_results, name="invitation-results"),
    path("invitations/<int:pk>/send-again/", views.send_again, name="send-again"),
]
