"""The outbox against a real SMTP server (aiosmtpd) and a real HTTP SMS gateway, with retries."""
import email
import email.policy
import json
import socket
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import select

from hailong import outbox
from models import OutboxMessage, utcnow
from tests.workflow_helpers import accepted, file_ticket


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((envelope.rcpt_tos, f"{message['Subject']}\n{message.get_content()}"))
        return "250 OK"


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield f"smtp://127.0.0.1:{controller.port}?from=ubnd@xa.example", inbox
    controller.stop()


@pytest.fixture
def sms_gateway():
    received, answers = [], []

    class Gateway(BaseHTTPRequestHandler):
        def do_POST(self):
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            status = answers.pop(0) if answers else 200
            self.send_response(status)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/send", received, answers
    server.shutdown()
    server.server_close()


def send(session, smtp="", sms="", now=None):
    result = outbox.send_due(session, smtp_url=smtp, sms_gateway_url=sms, public_url="http://phone.example", now=now)
    session.commit()
    return result


def test_receipt_goes_out_by_email_and_sms(session, world, smtp_server, sms_gateway):
    smtp_url, inbox = smtp_server
    sms_url, texts, _answers = sms_gateway
    ticket = file_ticket(session, world)
    result = send(session, smtp_url, sms_url)
    assert (result.sent, result.retried, result.failed) == (2, 0, 0)
    code = f"{ticket.tracking_code[:5]}-{ticket.tracking_code[5:]}"
    (rcpt, content), = inbox.messages
    assert rcpt == ["ngoc.tran@example.vn"] and f"http://phone.example/feedback/{code}" in content
    assert texts[0]["to"] == "0912345678" and code in texts[0]["text"]
    assert {m.status for m in session.exec(select(OutboxMessage))} == {"sent"}
    assert send(session, smtp_url, sms_url).sent == 0  # nothing is sent twice


def test_staff_hear_of_an_assignment(session, world, smtp_server):
    smtp_url, inbox = smtp_server
    world.users["handler"].email = "xuly@xa.example"
    session.commit()
    accepted(session, world)
    send(session, smtp_url)
    assert ["xuly@xa.example"] in [rcpt for rcpt, _ in inbox.messages]


def test_gateway_failure_is_retried_with_backoff_then_given_up(session, world, sms_gateway):
    sms_url, texts, answers = sms_gateway
    file_ticket(session, world, email=None)
    answers.extend([500] * 10)
    now = utcnow()
    result = send(session, sms=sms_url, now=now)
    assert (result.sent, result.retried) == (0, 1)
    message = session.exec(select(OutboxMessage)).one()
    assert message.attempts == 1 and message.next_attempt_at == now + timedelta(minutes=1)
    assert "500" in message.last_error
    assert send(session, sms=sms_url, now=now).retried == 0  # not due yet
    for _ in range(outbox.MAX_ATTEMPTS - 1):
        now = message.next_attempt_at
        send(session, sms=sms_url, now=now)
        session.refresh(message)
    assert message.status == "failed" and message.attempts == outbox.MAX_ATTEMPTS
    assert len(texts) == outbox.MAX_ATTEMPTS


def test_a_gateway_that_recovers_delivers(session, world, sms_gateway):
    sms_url, texts, answers = sms_gateway
    file_ticket(session, world, email=None)
    answers.append(503)
    now = utcnow()
    send(session, sms=sms_url, now=now)
    assert send(session, sms=sms_url, now=now + timedelta(minutes=1)).sent == 1
    assert len(texts) == 2


def test_unconfigured_channels_wait(session, world):
    file_ticket(session, world)
    result = send(session)
    assert (result.sent, result.skipped) == (0, 2)
    assert {m.status for m in session.exec(select(OutboxMessage))} == {"pending"}


def test_delivery_state_on_the_ticket_page(login, app, session, world, smtp_server):
    smtp_url, _inbox = smtp_server
    ticket = file_ticket(session, world)
    send(session, smtp_url)
    client = login("leader.xa01")
    page = client.get(f"/admin/tickets/{ticket.id}").get_data(as_text=True)
    assert "Đã gửi" in page and "Chờ gửi" in page  # the e-mail went, the SMS waits for a gateway


def test_send_outbox_command(app, session, world, smtp_server):
    smtp_url, inbox = smtp_server
    file_ticket(session, world, phone=None)
    app.config["HAILONG"] = app.config["HAILONG"].replace(smtp_url=smtp_url)
    result = app.test_cli_runner().invoke(args=["send-outbox"])
    assert result.exit_code == 0, result.output
    assert "sent 1" in result.output and len(inbox.messages) == 1
