import os

from celery import Celery

from . import kombu_patches, quiet_sweeps

kombu_patches.apply()  # workers survive a Redis restart: see the module
quiet_sweeps.apply()  # the once-a-second webhook sweep logs only when it applied something

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

app = Celery("hiring")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
