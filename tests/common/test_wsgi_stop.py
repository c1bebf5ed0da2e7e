"""Stopping an in-process server ends its serving loop even when a client keeps a connection open
(a ``requests.Session`` pools it), and lets an answer being served go out whole."""

from __future__ import annotations

import threading

import requests
from flask import Flask

from shahada.common.wsgi import WaitressServer


def test_stop_ends_the_serving_loop_despite_a_kept_alive_connection() -> None:
    app = Flask("stop-test")
    app.add_url_rule("/", "hello", lambda: "hello")
    server = WaitressServer(app, ident="stop-test").start()
    with requests.Session() as client:
        assert client.get(server.url + "/", timeout=5).text == "hello"  # the connection stays in the pool
        server.stop(timeout=30)
        assert server._thread is not None and not server._thread.is_alive()  # ended, not given up on after 30 s


def test_an_answer_in_progress_goes_out_whole_before_the_stop() -> None:
    release, started = threading.Event(), threading.Event()
    body = "x" * 2_000_000
    app = Flask("stop-test")

    def slow() -> str:
        started.set()
        release.wait(10)
        return body

    app.add_url_rule("/", "slow", slow)
    server = WaitressServer(app, ident="stop-test").start()
    answers: list[str] = []
    client = threading.Thread(target=lambda: answers.append(requests.get(server.url + "/", timeout=30).text))
    client.start()
    assert started.wait(10)  # the request is being served
    threading.Timer(0.2, release.set).start()
    server.stop(timeout=10)
    client.join(30)
    assert answers == [body]
