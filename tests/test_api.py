"""The service under a real uvicorn server: jobs, SSE order, resume, cancel, errors."""

import json
import time

import httpx
import pytest
from httpx_sse import connect_sse

from tests.servers import start_service

BASELINE = "tencent-plan-xhs.baseline"
TARGET = "tencent-plan-xhs.target-stars"


def compare_request(site, baseline=BASELINE, target=TARGET, cookie=None, **extra):
    return {
        "baseline": site.sheet(baseline),
        "target": site.sheet(target),
        "cookie": site.cookie if cookie is None else cookie,
        **extra,
    }


def read_events(source, limit=None):
    events = []
    for sse in source.iter_sse():
        events.append((int(sse.id), sse.event, json.loads(sse.data)))
        if sse.event in ("result", "error") or (limit and len(events) >= limit):
            break
    return events


def stream(service, request):
    with httpx.Client(base_url=service.url, timeout=30) as client:
        with connect_sse(client, "POST", "/compare/stream", json=request) as source:
            assert source.response.status_code == 200
            return source.response.headers["x-job-id"], read_events(source)


def job_events(service, job_id, last_event_id=None, limit=None):
    headers = {"Last-Event-ID": str(last_event_id)} if last_event_id is not None else {}
    with httpx.Client(base_url=service.url, timeout=30) as client:
        with connect_sse(client, "GET", f"/api/jobs/{job_id}/events", headers=headers) as source:
            return read_events(source, limit)


def test_stream_events_in_stage_order(service, site):
    job_id, events = stream(service, compare_request(site))

    ids = [event_id for event_id, _, _ in events]
    assert ids == list(range(1, len(ids) + 1))
    steps = [(data.get("stage"), data.get("state")) for _, kind, data in events if kind == "progress"]
    assert steps[0] == ("queued", "done")
    assert steps.index(("login", "started")) < steps.index(("login", "done"))
    for side in ("baseline", "target"):
        assert steps.index(("login", "done")) < steps.index((side, "started")) < steps.index((side, "done"))
        assert steps.index((side, "done")) < steps.index(("diff", "started"))
    assert steps[-1] == ("diff", "done")

    kinds = [kind for _, kind, _ in events]
    assert kinds.count("result") == 1
    assert kinds[-1] == "result"
    result = events[-1][2]["result"]
    assert result["summary"]["title_changed"] is True
    assert result["summary"]["rows_modified"] == 1
    assert result["changes"][0]["cells"][0]["target_cell"] == "M20"
    assert all(data["job_id"] == job_id for _, _, data in events)


def test_request_options_reach_the_diff(service, site):
    request = compare_request(site, options={"stars_by_value": False})
    job_id, events = stream(service, request)
    result = events[-1][2]["result"]
    assert result["summary"]["rows_modified"] == 92
    assert result["options"]["stars_by_value"] is False
    record = httpx.get(f"{service.url}/api/jobs/{job_id}", timeout=10).json()
    assert record["request"]["options"]["stars_by_value"] is False


def test_progress_is_monotonic(service, site):
    _, events = stream(service, compare_request(site))
    progress = [data["progress"] for _, kind, data in events if kind == "progress"]
    assert progress == sorted(progress)
    assert progress[-1] == pytest.approx(1.0)


def test_retitled_sheet_reports_only_title(service, site):
    _, events = stream(service, compare_request(site, target="tencent-plan-xhs.target-retitled"))
    summary = events[-1][2]["result"]["summary"]
    assert summary["title_changed"] is True
    assert summary["rows_modified"] == summary["rows_added"] == summary["rows_removed"] == 0
    assert events[-1][2]["result"]["changes"] == []


def test_job_status_and_last_event_id_resume(service, site):
    created = httpx.post(f"{service.url}/api/jobs", json=compare_request(site), timeout=10)
    assert created.status_code == 202
    job = created.json()
    assert job["events_url"] == f"/api/jobs/{job['id']}/events"
    assert job["status_url"] == f"/api/jobs/{job['id']}"

    all_events = job_events(service, job["id"])
    assert all_events[-1][1] == "result"
    resumed = job_events(service, job["id"], last_event_id=3)
    assert [event_id for event_id, _, _ in resumed] == [event_id for event_id, _, _ in all_events[3:]]

    status = httpx.get(service.url + job["status_url"], timeout=10).json()
    assert status["status"] == "succeeded"
    assert status["result"]["summary"] == all_events[-1][2]["result"]["summary"]
    assert set(status["timings_ms"]) >= {"login", "baseline", "target", "diff"}


def test_disconnect_mid_job_cancels_nothing(service, site):
    site.set_knobs(export_latency_ms=1500)
    job = httpx.post(f"{service.url}/api/jobs", json=compare_request(site), timeout=10).json()

    first = job_events(service, job["id"], limit=2)
    assert [event_id for event_id, _, _ in first] == [1, 2]
    rest = job_events(service, job["id"], last_event_id=2)

    assert rest[0][0] == 3
    assert rest[-1][1] == "result"
    assert httpx.get(service.url + job["status_url"], timeout=10).json()["status"] == "succeeded"


def test_four_jobs_share_one_browser(service, site):
    launches = httpx.get(f"{service.url}/healthz", timeout=5).json()["browser_launches"]
    jobs = [httpx.post(f"{service.url}/api/jobs", json=compare_request(site), timeout=10).json() for _ in range(4)]

    finals = [job_events(service, job["id"])[-1] for job in jobs]

    assert [kind for _, kind, _ in finals] == ["result"] * 4
    assert len({json.dumps(data["result"]["summary"]) for _, _, data in finals}) == 1
    assert httpx.get(f"{service.url}/healthz", timeout=5).json()["browser_launches"] == launches


def test_expired_cookie_error_event(service, site):
    started = time.monotonic()
    _, events = stream(service, compare_request(site, cookie="demo_sid=expired-or-wrong"))
    elapsed = time.monotonic() - started

    event_id, kind, data = events[-1]
    assert kind == "error"
    assert data["code"] == "cookie_expired"
    assert data["stage"] == "login"
    # Both documents use the one session, so the error names neither.
    assert data["side"] is None
    assert "Cookie" in data["message"]
    assert "F12" in data["hint"]
    assert elapsed < 5.0


def test_error_message_follows_request_language(service, site):
    _, events = stream(service, compare_request(site, cookie="demo_sid=wrong", lang="en"))
    assert events[-1][2]["message"].startswith("The document shows a login page")


def test_unknown_document_error_event(service, site):
    _, events = stream(service, compare_request(site, target="no-such-doc"))
    assert events[-1][2]["code"] == "document_not_found"
    assert events[-1][2]["stage"] == "login"
    assert events[-1][2]["side"] == "target"


def test_export_failure_error_event(service, site):
    site.set_knobs(export_failure=True)
    _, events = stream(service, compare_request(site))
    assert events[-1][2]["code"] == "export_failed"
    assert events[-1][2]["stage"] in ("baseline", "target")
    assert "站点提示：导出失败" in events[-1][2]["message"]
    assert events[-1][2]["retryable"] is True


def test_host_not_allowed_rejected_at_once(service, site):
    request = compare_request(site)
    request["target"] = "http://sheets.invalid/sheet/x"
    for path in ("/api/jobs", "/compare/stream"):
        response = httpx.post(service.url + path, json=request, timeout=10)
        assert response.status_code == 403
        error = response.json()["error"]
        assert error["code"] == "host_not_allowed"
        assert "sheets.invalid" in error["message"]
        # Rejected before any job exists: no stage ran, and the target's URL is the one at fault.
        assert error["stage"] is None
        assert error["side"] == "target"


def test_bad_url_names_its_side(service, site):
    request = compare_request(site)
    request["baseline"] = "ftp://127.0.0.1/sheet/x"
    response = httpx.post(f"{service.url}/api/jobs", json=request, timeout=10)
    assert response.status_code == 422
    error = response.json()["error"]
    assert (error["code"], error["stage"], error["side"]) == ("invalid_request", None, "baseline")


def test_unknown_key_fails_in_diff_stage(service, site):
    _, events = stream(service, compare_request(site, options={"key": ["不存在的列"]}))
    event_id, kind, data = events[-1]
    assert kind == "error"
    assert (data["code"], data["stage"]) == ("invalid_request", "diff")
    assert "不存在的列" in data["message"]


@pytest.mark.parametrize("cookie, code", [("", "cookie_missing"), ("just-a-value", "invalid_request")])
def test_bad_cookie_rejected_at_once(service, site, cookie, code):
    response = httpx.post(f"{service.url}/api/jobs", json=compare_request(site, cookie=cookie), timeout=10)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == code


def test_unknown_option_is_invalid_request(service, site):
    request = compare_request(site, options={"keys": ["序号"]})
    response = httpx.post(f"{service.url}/api/jobs", json=request, headers={"Accept-Language": "en"}, timeout=10)
    assert response.status_code == 422
    assert "unknown field options.keys" in response.json()["error"]["message"]


def test_validation_messages_are_localized(service):
    response = httpx.post(f"{service.url}/api/jobs", content=b"{not json", timeout=10,
                          headers={"Content-Type": "application/json", "Accept-Language": "zh-CN"})
    assert response.status_code == 422
    assert "请求体不是有效的 JSON" in response.json()["error"]["message"]


@pytest.mark.parametrize("tolerance, chinese, english", [
    (-1, "options.numeric_tolerance：应大于或等于 0.0", "options.numeric_tolerance: it must be 0.0 or more"),
    ("abc", "options.numeric_tolerance：应为数字", "options.numeric_tolerance: it must be a number"),
])
def test_number_option_errors_are_localized(service, site, tolerance, chinese, english):
    request = compare_request(site, options={"numeric_tolerance": tolerance})
    for lang, expected in (("zh-CN", chinese), ("en", english)):
        response = httpx.post(f"{service.url}/api/jobs", json=request, headers={"Accept-Language": lang}, timeout=10)
        assert response.status_code == 422
        assert expected in response.json()["error"]["message"]


@pytest.mark.parametrize("options, field", [
    ({"numeric_tolerance": True}, "numeric_tolerance"),
    ({"numeric_tolerance": "0.5"}, "numeric_tolerance"),
    ({"trim_whitespace": "yes"}, "trim_whitespace"),
])
def test_option_of_wrong_type_rejected(service, site, options, field):
    # A boolean must not quietly become a tolerance of 1, nor "yes" become true.
    response = httpx.post(f"{service.url}/api/jobs", json=compare_request(site, options=options),
                          headers={"Accept-Language": "en"}, timeout=10)
    assert response.status_code == 422
    assert f"options.{field}" in response.json()["error"]["message"]


@pytest.mark.parametrize("body, expected", [
    ([1, 2], "请求体 必须是 JSON 对象"),
    ({"baseline": "http://127.0.0.1:9/sheet/a", "target": "http://127.0.0.1:9/sheet/b", "cookie": "a=b",
      "format": "pdf"}, "format 必须是 'csv' 或 'xlsx'"),
    ({"baseline": "http://127.0.0.1:9/sheet/a", "target": "http://127.0.0.1:9/sheet/b", "cookie": "a=" + "b" * 70_000},
     "cookie 超过 65536 个字符"),
])
def test_request_errors_fully_in_chinese(service, body, expected):
    response = httpx.post(f"{service.url}/api/jobs", json=body, headers={"Accept-Language": "zh-CN"}, timeout=10)
    assert response.status_code == 422
    message = response.json()["error"]["message"]
    assert expected in message
    assert not any(word in message for word in ("Input should", "Value should", " or ", "items"))


def test_validation_error_uses_body_lang(service, site):
    request = compare_request(site, options={"numeric_tolerance": -1})
    request["lang"] = "zh-CN"
    response = httpx.post(f"{service.url}/api/jobs", json=request, headers={"Accept-Language": "en"}, timeout=10)
    assert response.status_code == 422
    assert "options.numeric_tolerance：应大于或等于 0.0" in response.json()["error"]["message"]


@pytest.mark.parametrize("header, expected", [
    ("en;q=0.1,zh-CN;q=0.9", "请求体不是有效的 JSON"),
    ("fr-FR,en;q=0.5", "the request body is not valid JSON"),
])
def test_accept_language_weights(service, header, expected):
    response = httpx.post(f"{service.url}/api/jobs", content=b"{not json", timeout=10,
                          headers={"Content-Type": "application/json", "Accept-Language": header})
    assert expected in response.json()["error"]["message"]


def test_language_defaults_to_accept_language(service, site):
    request = compare_request(site, cookie="demo_sid=wrong")
    with httpx.Client(base_url=service.url, timeout=30, headers={"Accept-Language": "en-US,en;q=0.9"}) as client:
        with connect_sse(client, "POST", "/compare/stream", json=request) as source:
            events = read_events(source)
    assert events[-1][2]["message"] == "The document shows a login page: the cookie is invalid or expired."


def test_cancel_finished_job_is_409(service, site):
    job_id, _ = stream(service, compare_request(site, target="tencent-plan-xhs.target-retitled"))
    response = httpx.delete(f"{service.url}/api/jobs/{job_id}", timeout=10, headers={"Accept-Language": "zh-CN"})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "job_finished"
    assert "（状态：已成功）" in response.json()["error"]["message"]


def test_cancel_job(service, site):
    site.set_knobs(export_latency_ms=5000)
    job = httpx.post(f"{service.url}/api/jobs", json=compare_request(site), timeout=10).json()
    job_events(service, job["id"], limit=3)

    cancelled = httpx.delete(service.url + job["status_url"], timeout=10).json()

    assert cancelled["status"] == "cancelled"
    final = job_events(service, job["id"])[-1]
    assert final[1] == "error"
    assert final[2]["code"] == "cancelled"


def test_invalid_request_does_not_echo_cookie(service):
    secret = "demo_sid=very-secret-value-123"
    response = httpx.post(f"{service.url}/api/jobs", json={"baseline": "x", "cookie": secret}, timeout=10)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_request"
    assert "very-secret-value-123" not in response.text


def test_unknown_job_is_404(service):
    response = httpx.get(f"{service.url}/api/jobs/nope", timeout=10)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "job_not_found"


def test_cookie_never_in_logs_records_or_events(service, site):
    job_id, events = stream(service, compare_request(site))
    record = httpx.get(f"{service.url}/api/jobs/{job_id}", timeout=10).text

    assert site.token not in json.dumps([data for _, _, data in events])
    assert site.token not in record
    assert "cookie" not in json.loads(record)["request"]
    assert site.token not in service.log()
    assert job_id in service.log()


def test_metrics_and_health(service):
    health = httpx.get(f"{service.url}/healthz", timeout=5).json()
    assert health["status"] == "ok"
    assert health["browser_connected"] is True
    metrics = httpx.get(f"{service.url}/metrics", timeout=5).text
    assert "docdiff_jobs_started_total" in metrics


@pytest.fixture(scope="module")
def pinging_service(tmp_path_factory, demo_site):
    server = start_service(tmp_path_factory.mktemp("ping"), demo_site.url, ping_interval_s="1")
    yield server
    server.stop()


def test_idle_stream_gets_pings(pinging_service, site):
    site.set_knobs(export_latency_ms=2500)
    request = compare_request(site)
    comments = []
    with httpx.Client(base_url=pinging_service.url, timeout=30) as client:
        with client.stream("POST", "/compare/stream", json=request) as response:
            for line in response.iter_lines():
                if line.startswith(":"):
                    comments.append(line)
                if line.startswith("event: result") or line.startswith("event: error"):
                    break
    assert any("ping" in comment for comment in comments)


def test_oversized_cookie_is_invalid_request(service, site):
    request = compare_request(site, cookie="a=" + "x" * 70_000)
    response = httpx.post(f"{service.url}/api/jobs", json=request, timeout=10)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_request"
    assert "xxxxxxxx" not in response.text


def test_reports_of_finished_job(service, site):
    job_id, events = stream(service, compare_request(site, baseline="sp500-2024.baseline", target="sp500-2024.target"))
    record = httpx.get(f"{service.url}/api/jobs/{job_id}", timeout=10).json()
    assert record["report_urls"]["xlsx"] == f"/api/jobs/{job_id}/report.xlsx"

    workbook = httpx.get(service.url + record["report_urls"]["xlsx"], timeout=10)
    assert workbook.status_code == 200
    assert workbook.content.startswith(b"PK")
    assert "attachment" in workbook.headers["content-disposition"]
    highlighter = httpx.get(service.url + record["report_urls"]["csv"], timeout=10)
    assert highlighter.text.startswith("@@,Symbol,Security")
    assert "+++,AMTM,Amentum" in highlighter.text


def test_report_of_failed_job_is_409(service, site):
    job_id, _ = stream(service, compare_request(site, cookie="demo_sid=wrong"))
    response = httpx.get(f"{service.url}/api/jobs/{job_id}/report.xlsx", timeout=10)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "report_not_ready"
    unknown = httpx.get(f"{service.url}/api/jobs/{job_id}/report.pdf", timeout=10)
    assert unknown.status_code == 422
