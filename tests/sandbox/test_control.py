"""The control API and the shared machinery: faults, counters, media links, webhooks."""

import requests

from tests.waiting import wait_for


def test_state_lists_every_vendor(sandbox):
    state = requests.get(f"{sandbox.url}/_control/state", timeout=5).json()
    assert set(state["vendors"]) == {"wedgehr", "hireflix", "intervue", "merge"}


def test_unknown_fault_is_refused(sandbox):
    answer = requests.post(f"{sandbox.url}/_control/wedgehr/faults", json={"explode": 1}, timeout=5)
    assert answer.status_code == 400
    assert "unknown fault" in answer.json()["message"]


def test_presigned_media_expires(sandbox):
    hub = sandbox.app.hub
    fresh = hub.presign(sandbox.url, "hireflix/answer/1.mp4", ttl=60)
    stale = hub.presign(sandbox.url, "hireflix/answer/1.mp4", ttl=-1)
    assert requests.get(fresh, timeout=5).status_code == 200
    assert requests.get(stale, timeout=5).status_code == 403
    forged = fresh.replace("answer/1", "answer/2")
    assert requests.get(forged, timeout=5).status_code == 403


def test_presigned_media_is_a_real_video_a_browser_can_seek(sandbox):
    url = sandbox.app.hub.presign(sandbox.url, "hireflix/answer/1.mp4", ttl=60)
    whole = requests.get(url, timeout=5)
    assert whole.headers["Content-Type"] == "video/mp4"
    assert whole.headers["Accept-Ranges"] == "bytes"
    assert whole.content[4:8] == b"ftyp"  # an MP4 file, not a placeholder
    part = requests.get(url, headers={"Range": "bytes=100-199"}, timeout=5)
    assert part.status_code == 206
    assert part.content == whole.content[100:200]
    assert part.headers["Content-Range"] == f"bytes 100-199/{len(whole.content)}"
    poster = requests.get(sandbox.app.hub.presign(sandbox.url, "hireflix/answer/1/00001-thumbnail.png"), timeout=5)
    assert poster.headers["Content-Type"] == "image/png"
    assert poster.content.startswith(b"\x89PNG")


def test_webhook_delivery_is_retried_until_the_receiver_answers(sandbox, sandbox_clock):
    import threading

    from werkzeug.serving import make_server
    from werkzeug.wrappers import Response

    calls = []

    def receiver(environ, start_response):
        calls.append(environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0)))
        status = 500 if len(calls) < 3 else 200
        return Response("ok", status=status)(environ, start_response)

    server = make_server("127.0.0.1", 0, receiver, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        hub = sandbox.app.hub
        hub.webhook_backoff = 60  # long enough that only advancing the clock brings a retry
        vendor = hub.vendors["intervue"]
        requests.post(
            f"{sandbox.url}/_control/intervue/webhook",
            json={"url": f"http://127.0.0.1:{server.server_port}/hook", "secret": "s3cret"},
            timeout=5,
        )
        vendor.emit_webhook("ping", {"hello": "world"})
        delivery = hub.deliveries[0]
        # Each failed attempt schedules its retry one backoff (doubling each time) ahead.
        assert wait_for(lambda: delivery.attempts == 1 and hub.scheduler.pending == 1, seconds=5, every=0.01)
        sandbox_clock.advance(hub.webhook_backoff)
        assert wait_for(lambda: delivery.attempts == 2 and hub.scheduler.pending == 1, seconds=5, every=0.01)
        sandbox_clock.advance(hub.webhook_backoff * 2)
        assert wait_for(lambda: delivery.status != "pending", seconds=5, every=0.01)
        assert delivery.status == "delivered"
        assert delivery.attempts == 3
        assert calls[-1] == b'{"hello": "world"}'
    finally:
        server.shutdown()
