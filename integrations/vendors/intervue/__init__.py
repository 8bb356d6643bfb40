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

Status (webhooks first; ``fetch_statuses`` is the fallback):

  ==========================================  ===========================  ==========
  intervue.io                                  where                        unified
  ==========================================  ===========================  ==========
  requested                                    external webhook / GET       invited
  scheduled (interview booked)                 external webhook / GET       started
  completed (report: verdict, feedback)        external webhook             completed
  videoGenerationCompleted (playback ready)    external webhook             completed
  canceled                                     external webhook             canceled
  UN_SCHEDULED                                 mock getInterviewInfo        invited
  SCHEDULED                                    mock getInterviewInfo        started
  COMPLETED                                    mock getInterviewInfo        completed
  CANCELED                                     mock getInterviewInfo        canceled
  INVITATION_SENT, invitation_sent, reminder   assignment results / hook    invited
  INTERVIEW_STARTED, test_started              assignment results / hook    started
  EVALUATION_PENDING, test_ended               assignment results / hook    completed
  INTERVIEW_ENDED, test_report_generated       assignment results / hook    completed
  CANDIDATE_SHORTLISTED                        assignment results           reviewed
  INTERVIEW_EXPIRED                            assignment results           expired
  INVITE_FAILED                                assignment results           failed
  quota_finished                               assignment webhook           (account event)
  ==========================================  ===========================  ==========

Details keep verdict, verdict_index, feedback, average_rating (external), percentage_scored,
passed, shortlisted, section_scores, points (assignments) and the ids needed later; never a URL
that expires. ``fetch_statuses`` reads assignments as one results list per test and status
(the rows carry no status of their own), and interviews with one GET each: intervue.io has no
list of them, so that is one request per open interview, a fallback for missed webhooks only.
The document's GET /external-interviews/{id} has no status either: a schedule time reads as
scheduled, anything later comes by webhook.

Webhooks: ``X-Intervue-Signature`` = HMAC-SHA256(webhook secret, raw body) in hex, base64 or
base64url without padding (the document's examples use all three). Both payload shapes are read.

Results, fetched fresh at each call: assignments GET /assignments/report/{invitationUrlHash}
(code and playback links) and /assignments/detailed-report/{testUrlHash}?email= (report PDF);
external interviews the report/playback ``urls`` where GET /external-interviews/{id} carries them.
``cancel``: POST /external-interviews/cancel; assignments (disable acts on the whole test) and
mock interviews cannot be canceled one by one.
"""

from .client import IntervueClient

__all__ = ["IntervueClient"]
