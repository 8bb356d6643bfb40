"""intervue.io: external (on-demand) interviews, mock interviews and home assignments.

REST/JSON at https://api.intervue.io with ``Authorization: Basic base64(accessToken:secretKey)``;
errors come as ``{"status": code, "message": text}`` and the message is kept. The limit is 50
requests a minute per key (429 carries Retry-After; the shared limiter is the ``throttle``).

Assessments (``list_assessments``, every page followed by ``next``):
  hiring_role      GET /external-interviews/getRoles            remote_id = hiring role id
  home_assignment  GET /assignments/list                        remote_id = mainTestUrlHash
  mock_interview   GET /mock-interviews/getProfilesSupported    remote_id = library hiring role id

Inviting (``invite``):
  hiring_role      one POST /external-interviews/request for the batch; interviewId per candidate
  home_assignment  one POST /assignments/send-invitations (expiryDate = now + expiry_days,
                   disableCommunications when send_email is off); invitationUrlHash per candidate
  mock_interview   one POST /mock-interviews/request per candidate, with options["time_slots"][0]
                   as the required scheduleTime pair (none given: a Permanent error, nothing sent)
Answers are matched to requests by email, else by position. A 400 naming ``candidates[i]`` fails
that candidate only; the others are sent again.

Idempotency: intervue.io takes no idempotency key. A candidate who already holds a live
invitation is answered with it; for assignments the client tells those apart (the new batch's
rows carry the expiry just sent) and marks them ``duplicate``. Interviews give no such sign.
``reconcile`` after an UnknownOutcome:
  home_assignment  GET /assignments/results?testUrlHash=… newest first: the candidate's open invitation
  hiring_role,     GET /mock-interviews/getCandidateInfo?email=…: unknown candidate -> None (not applied,
  mock_interview   safe to resend); known -> UnknownOutcome, since no endpoint finds an interview by
                   email and a resend could invite twice. The 'requested' webhook (interviewId and
                   candidate email) settles external interviews.

Status: webhooks first; ``fetch_statuses`` is the fallback. The table is in statuses.py.

Webhooks (webhooks.py): ``X-Intervue-Signature`` = HMAC-SHA256(webhook secret, raw body) in hex,
base64 or base64url without padding (the document's examples use all three). Both payload shapes are read.

Results, fetched fresh at each call: assignments GET /assignments/report/{invitationUrlHash}
(code and playback links) and /assignments/detailed-report/{testUrlHash}?email= (report PDF);
external interviews the report/playback ``urls`` where GET /external-interviews/{id} carries them.
``cancel``: POST /external-interviews/cancel; assignments (disable acts on the whole test) and
mock interviews cannot be canceled one by one.

    client.py     IntervueClient: catalog, reconciliation, status polling, results, cancel
    invites.py    sending a batch: one request per role or test, one per mock-interview candidate
    statuses.py   intervue.io's statuses mapped onto ours, one table per kind of assessment
    webhooks.py   verify (HMAC) and normalize an inbound delivery
"""

from .client import IntervueClient

__all__ = ["IntervueClient"]
