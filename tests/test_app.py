"""The review app without a browser: its guard, its queue, its context, its validation, its CLI.

The expected values come from the seed reports (fixtures/text, tests/expected):
seed 001 prints I10 as "-0.4.85" beside 综合能耗总量 637183.3 and 规划基准年综合能耗总量
3461985; seed 004 masks most of its values.
"""
from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request

import pytest
from PIL import Image
from starlette.testclient import TestClient

from app_support import (DOCX_004, I01_003, I10_PDF, I10_TXT, I25_TXT, PDF_001, TXT_001, TXT_004, copy_out_dir,
                         corrections, ingest, make_out_dir, records, review_keys, stored)
from ecopark import crops
from ecopark.app import context
from ecopark.app.queue import DecisionError, Filter, ReviewQueue, priority
from ecopark.app.server import TOKEN_HEADER, create_app
from ecopark.cli import main
from ecopark.store import Store


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    return make_out_dir(tmp_path_factory.mktemp("app"))


@pytest.fixture
def out(made, tmp_path):
    return copy_out_dir(made, tmp_path)


TOKEN = "t0k3n-for-tests"


@pytest.fixture
def client(out):
    queue = ReviewQueue(out[1])
    with TestClient(create_app(queue, TOKEN, 8750), base_url="http://127.0.0.1:8750") as c:
        c.queue = queue
        yield c


def _decide(client, body, token=TOKEN):
    return client.post("/api/decide", json=body, headers={TOKEN_HEADER: token})


# ---------------------------------------------------------------- safe on a shared machine

def test_nothing_is_served_without_the_token(client):
    for path in ("/", f"/item?key={I10_TXT}", "/static/app.js", f"/crop?key={I10_PDF}"):
        response = client.get(path)
        assert response.status_code == 403, path
        assert "token" in response.text
    assert client.get("/?token=wrong").status_code == 403
    page = client.get(f"/?token={TOKEN}")
    assert page.status_code == 200 and I10_TXT in page.text
    assert "httponly" in page.headers["set-cookie"].lower() and "samesite=strict" in page.headers["set-cookie"].lower()
    assert client.get("/static/app.js").status_code == 200          # the cookie the page set


def test_writes_are_json_posts_with_the_token_header(client, out):
    before = (out[1] / "corrections.csv").read_bytes()
    client.get(f"/?token={TOKEN}")                                   # the cookie alone must not do
    assert client.get(f"/api/decide?token={TOKEN}&key={I10_TXT}&action=accept").status_code == 405
    assert client.post("/api/decide", json={"key": I10_TXT, "action": "accept"}).status_code == 403
    assert _decide(client, {"key": I10_TXT, "action": "accept"}, token="wrong").status_code == 403
    form = client.post("/api/decide", data={"key": I10_TXT, "action": "accept"}, headers={TOKEN_HEADER: TOKEN})
    assert form.status_code == 415
    assert (out[1] / "corrections.csv").read_bytes() == before and stored(out[1]) == {}
    assert client.queue.by_key[I10_TXT].needs_review


def test_no_cors_and_loopback_hosts_only(client):
    preflight = client.options("/api/decide", headers={"Origin": "http://evil.example",
                                                      "Access-Control-Request-Method": "POST"})
    assert preflight.status_code >= 400
    page = client.get(f"/?token={TOKEN}", headers={"Origin": "http://evil.example"})
    assert not any(h.lower().startswith("access-control") for h in page.headers)
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert client.get(f"/?token={TOKEN}", headers={"Host": "evil.example:8750"}).status_code == 403


def test_the_page_loads_nothing_from_the_network(client):
    page = client.get(f"/?token={TOKEN}").text
    assert not re.search(r'(?:src|href)="(?:https?:)?//', page)
    assert '<script src="/static/app.js"' in page and "<style" not in page


# ---------------------------------------------------------------- input validated

def test_an_unknown_record_or_an_unusable_value_changes_nothing(client, out):
    before = (out[1] / "corrections.csv").read_bytes()
    cases = [({"key": "nothing|like|this", "action": "accept"}, "no record"),
             ({"key": I10_TXT, "action": "correct", "value": "four point eight five"}, "not a number"),
             ({"key": I10_TXT, "action": "correct", "value": ""}, "type the corrected value"),
             ({"key": I10_TXT, "action": "delete"}, "not an action"),
             ({"key": I25_TXT, "action": "suggestion"}, "no suggested value")]
    for body, words in cases:
        response = _decide(client, body)
        assert response.status_code == 400 and words in response.json()["error"], body
    bad_json = client.post("/api/decide", content=b"{not json", headers={TOKEN_HEADER: TOKEN,
                                                                        "Content-Type": "application/json"})
    assert bad_json.status_code == 400
    assert (out[1] / "corrections.csv").read_bytes() == before and stored(out[1]) == {}
    assert client.queue.by_key[I10_TXT].needs_review and client.queue.by_key[I10_TXT].value is None


def test_a_decision_is_in_corrections_csv_at_once(client, out):
    response = _decide(client, {"key": I10_TXT, "action": "suggestion"})
    assert response.status_code == 200 and response.json()["items"][0]["status"] == "correct"
    row = corrections(out[1])[I10_TXT]
    assert (row["decision"], row["corrected_value"]) == ("correct", "-4.85")
    assert stored(out[1])[I10_TXT] == ("correct", "-4.85")
    assert client.queue.by_key[I10_TXT].value == -4.85 and not client.queue.by_key[I10_TXT].needs_review
    assert client.post("/api/undo", json={}, headers={TOKEN_HEADER: TOKEN}).status_code == 200
    assert corrections(out[1])[I10_TXT]["decision"] == "" and stored(out[1])[I10_TXT] == ("", "")
    with Store.open(out[1]) as store:                     # undo is a new decision: nothing is lost
        assert [(d.decision, d.origin) for d in store.history(I10_TXT)] == [("correct", "app"), ("", "app")]
    assert client.queue.by_key[I10_TXT].needs_review and client.queue.by_key[I10_TXT].value is None


# ---------------------------------------------------------------- the queue

def test_queue_order_puts_assessed_indicators_then_contradictions_first(out):
    queue = ReviewQueue(out[1])
    items = queue.items()
    ranks = [priority(r) for r in items]
    assert ranks == sorted(ranks) and ranks[0] == 0
    assert all(r.assessed in ("yes", "mandatory") for r in items if priority(r) == 0)
    contradictions = [r for r in items if priority(r) == 1]
    assert contradictions and all("INCONSISTENT" in r.flags and r.assessed not in ("yes", "mandatory")
                                  for r in contradictions)
    assert set(review_keys(out[1])) <= {r.record_key for r in items}


def test_queue_filters(out):
    queue = ReviewQueue(out[1])
    masked = queue.items(Filter(flag="MASKED", file=TXT_004))
    assert masked and all("MASKED" in r.flags and r.source_file == TXT_004 for r in masked)
    i10 = queue.items(Filter(indicator="I10"))
    assert {r.source_file for r in i10} >= {TXT_001, PDF_001}
    assert all(r.indicator_id == "I10" or r.indicator_id.startswith("I10.") for r in i10)
    assert all(r.data_year == 2022 for r in queue.items(Filter(year="2022")))
    assert {r.park_name for r in queue.items(Filter(park="长春经济技术开发区"))} == {"长春经济技术开发区"}
    counts = queue.counts(Filter(file=TXT_001))
    assert counts["left"] + counts["reviewed"] == counts["total"] == len(queue.items(Filter(file=TXT_001)))


def test_bulk_rejects_every_masked_value_of_one_file(out):
    queue = ReviewQueue(out[1])
    filt = Filter(flag="MASKED", file=TXT_004)
    keys = {r.record_key for r in queue.items(filt)}
    done, skipped = queue.bulk(filt, "reject")
    assert (done, skipped) == (len(keys), 0)
    rows = corrections(out[1])
    assert {k for k, row in rows.items() if row["decision"] == "reject"} == keys
    assert {k for k, (d, _) in stored(out[1]).items() if d == "reject"} == keys
    assert all(queue.by_key[k].value is None and queue.by_key[k].reviewed for k in keys)
    assert queue.undo() and not any(row["decision"] for row in corrections(out[1]).values())
    assert not any(d for d, _ in stored(out[1]).values())
    assert all(queue.by_key[k].needs_review for k in keys)
    with pytest.raises(DecisionError, match="in bulk"):
        queue.bulk(filt, "correct")


# ---------------------------------------------------------------- each item

def test_item_shows_the_components_its_formula_used(out):
    queue = ReviewQueue(out[1])
    record = queue.by_key[I10_TXT]
    (use,) = context.formula_uses(record, queue.records)
    printed = {c.indicator_id: c.record.value_raw for c in use.components if c.record}
    assert printed == {"I10.energy_consumption": "637183.3", "I10.energy_consumption_base_year": "3461985",
                       "I02.industrial_value_added": "2595000", "I03.iva_base_year": "1887000"}
    table = context.surrounding_rows(record, queue.records)
    here = [cells for is_here, cells in table.rows if is_here]
    assert here[0][1] == "综合能耗弹性系数" and here[0][table.value_column] == "-0.4.85"
    labels = [cells[1] for _, cells in table.rows]
    assert "综合能耗总量" in labels and "规划基准年综合能耗总量" in labels


def test_item_page_shows_value_reasons_suggestion_and_context(client):
    client.get(f"/?token={TOKEN}")
    page = client.get("/item", params={"key": I10_TXT}).text
    for text in ("-0.4.85", "MALFORMED", "is not a number", "suggestion:", "-4.85", "637183.3", "3461985",
                 "the table around this row", "open the source"):
        assert text in page, text


def test_pdf_crop_shows_the_header_above_the_row(client):
    client.get(f"/?token={TOKEN}")
    response = client.get("/crop", params={"key": I10_PDF})
    assert response.status_code == 200 and response.headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(response.content)).convert("RGB")
    gap = [y for y in range(image.height) if all(image.getpixel((x, y)) == (160, 160, 160)
                                                 for x in range(0, image.width, 37))]
    assert gap and 0 < gap[0] < image.height - crops.GAP      # two strips: the header, then the row


def test_source_page_of_each_kind(client):
    client.get(f"/?token={TOKEN}")
    pdf = client.get("/source", params={"key": I10_PDF}).text
    assert "/page?key=" in pdf and 'id="here"' in pdf
    image = client.get("/page", params={"key": I10_PDF})
    assert image.status_code == 200 and Image.open(io.BytesIO(image.content)).height > 1000
    text = client.get("/source", params={"key": I10_TXT}).text
    assert re.search(r'<span id=here class=here><i>\d+</i> [^<]*-0\.4\.85', text)
    docx_key = next(r.record_key for r in client.queue.items(Filter(file=DOCX_004, flag="MASKED")))
    docx = client.get("/source", params={"key": docx_key}).text
    assert "<tr id=here class=here>" in docx and "**" in docx


# ---------------------------------------------------------------- suggested_value and the Excel path

def test_suggested_value_beside_the_suggestion_in_every_file(out):
    assert records(out[1])[I10_TXT]["suggested_value"] == "-4.85"
    assert corrections(out[1])[I10_TXT]["suggested_value"] == "-4.85"
    with open(out[1] / "review.csv", encoding="utf-8-sig") as f:
        header = f.readline().strip().split(",")
    assert header.index("suggested_value") == header.index("suggestion") + 1


def test_a_decision_typed_in_excel_shows_in_the_app_after_apply(out):
    src, out_dir = out
    queue = ReviewQueue(out_dir)
    path = out_dir / "corrections.csv"
    text = path.read_text(encoding="utf-8-sig")
    lines = text.splitlines()
    i = next(n for n, line in enumerate(lines) if line.startswith(I01_003 + ","))
    lines[i] = lines[i].replace(I01_003 + ",,", I01_003 + ",accept,", 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    assert queue.by_key[I01_003].needs_review            # not before `ecopark apply` or the next ingest
    assert main(["apply", str(out_dir)]) == 0
    assert queue.refresh()
    assert queue.by_key[I01_003].decision == "accept" and not queue.by_key[I01_003].needs_review


def test_a_decision_made_in_the_app_reaches_records_after_the_next_ingest(out):
    src, out_dir = out
    queue = ReviewQueue(out_dir)
    queue.decide(I10_TXT, "correct", "-4.85")
    queue.decide(I25_TXT, "reject")
    ingest(src, out_dir)
    rows = records(out_dir)
    assert (rows[I10_TXT]["value"], rows[I10_TXT]["decision"], rows[I10_TXT]["needs_review"]) == \
        ("-4.85", "correct", "false")
    assert (rows[I25_TXT]["value"], rows[I25_TXT]["decision"]) == ("", "reject")


# ---------------------------------------------------------------- the command

def test_review_of_a_directory_without_records_is_a_clear_error(tmp_path, capsys):
    assert main(["review", str(tmp_path), "--no-browser"]) == 2
    assert "ecopark ingest" in capsys.readouterr().err


def test_review_command_serves_on_loopback_and_stops_on_ctrl_c(out):
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([sys.executable, "-m", "ecopark.cli", "review", str(out[1]), "--no-browser", "--port", "0"],
                            stderr=subprocess.PIPE, text=True, env=env)
    try:
        url = None
        deadline = time.monotonic() + 60
        while url is None and time.monotonic() < deadline:
            line = proc.stderr.readline()
            found = re.search(r"(http://127\.0\.0\.1:\d+/\?token=\S+)", line)
            url = found.group(1) if found else None
        assert url, "no URL printed"
        with urllib.request.urlopen(url, timeout=20) as response:
            assert response.status == 200 and TXT_001 in response.read().decode("utf-8")
        refused = urllib.request.Request(url.split("?")[0])
        with pytest.raises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(refused, timeout=20)
        assert e.value.code == 403
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=20) == 0
        assert "stopped" in proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
