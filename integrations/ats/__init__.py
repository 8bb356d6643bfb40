"""The company's own ATS (Greenhouse, Lever, Workday, ...) through Merge's unified ATS API.

Not an assessment vendor: it lives apart from ``integrations/vendors``, and the rest of the
app knows nothing of it. It listens instead: to invitation moves (``integrations.signals``)
to push interviews, and to beat for its pulls.

    client.py   MergeClient: plain dataclasses over Merge's REST API, incremental pulls, creates
    links.py    a MergeLink's client (behind its rate limiter), connection check, stage choices
    pull.py     ATS interviews bring candidates into our stages
    push.py     our invitations go back to the ATS as ScheduledInterviews
    tasks.py    Celery tasks around pull and push
    admin.py    the Merge link pages of the Django admin
"""
