"""Pipeline routes of the API, mounted under /api/v1/ by integrations.api.urls."""

from django.urls import path

from . import views

urlpatterns = [
    path("jobs/", views.JobList.as_view(), name="job-list"),
    path("jobs/<int:pk>/", views.JobDetail.as_view(), name="job-detail"),
    path("jobs/<int:job_pk>/stages/", views.JobStageList.as_view(), name="job-stages"),
    path("jobs/<int:job_pk>/applications/", views.JobApplicationList.as_view(), name="job-applications"),
    path("applications/move/", views.MoveApplications.as_view(), name="move-applications"),
    path("candidates/<int:pk>/", views.CandidateDetail.as_view(), name="candidate-detail"),
]
