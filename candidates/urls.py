from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "candidates"
urlpatterns = [
    path("", RedirectView.as_view(pattern_name="candidates:job-list"), name="home"),
    path("jobs/", views.job_list, name="job-list"),
    path("jobs/<int:pk>/", views.job_detail, name="job-detail"),
    path("jobs/<int:pk>/move/", views.move_applications, name="move-applications"),
    path("candidates/<int:pk>/", views.candidate_detail, name="candidate-detail"),
]
