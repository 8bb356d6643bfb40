from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import status

admin.site.site_header = "Hiring integrations administration"
admin.site.site_title = "Hiring integrations"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", status.healthz, name="healthz"),
    path("status/", status.status_page, name="status"),
    path("status/webhooks/", status.webhook_list, name="status-webhooks"),
    path("integrations/", include("integrations.urls")),
    path("api/", include("integrations.api.urls")),
    path("", include("candidates.urls")),
]

# JSON under /api/ (an id that is no integer matches no URL), the usual page elsewhere.
handler404 = "config.api.not_found"
