"""The consumer's inbox bounds its memory in a burst, against the real Mosquitto broker.

A link whose inbox is full stops reading its connection; the messages wait in the socket and
the broker's session and all arrive, once each and in order, as the inbox drains.
"""
from __future__ import annotations

import queue
import threading
import time
import uuid

import paho.mqtt.client as mqtt
import pytest

from ckanext.territorio_harvesters.stream.broker import Broker
from ckanext.territorio_harvesters.stream.links import Inbound, Inbox, Link

LOCAL = Broker(host="127.0.0.1", address="127.0.0.1", port=1883, tls=False)


def item(payload: bytes) -> Inbound:
    return Inbound(link=None, generation=1, mid=1, qos=1, topic="t", payload=payload)  # type: ignore[arg-type]


def test_the_inbox_counts_payload_bytes_and_always_takes_one_message():
    inbox = Inbox(100)
    inbox.put(item(b"x" * 500))  # larger than the bound, but the inbox was empty
    assert inbox.qsize() == 501
    with pytest.raises(queue.Full):
        inbox.put(item(b"y"), timeout=0.01)
    assert inbox.get().payload == b"x" * 500
    assert inbox.qsize() == 0 and inbox.empty()
    inbox.put(item(b""))  # an empty payload still counts: the inbox is not empty
    assert not inbox.empty()


def test_a_burst_larger_than_the_inbox_arrives_whole_once_and_in_order():
    prefix = f"territorio-prueba/{uuid.uuid4().hex[:12]}"
    inbox = Inbox(2048)  # some 20 messages of the burst at a time
    link = Link(f"inbox-{uuid.uuid4().hex[:8]}", LOCAL, [f"{prefix}/#"], inbox, session_expiry=60)
    link.start()
    publisher = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    publisher.connect("127.0.0.1", 1883)
    publisher.loop_start()
    received: list[bytes] = []
    peak = [0]
    done = threading.Event()
    total = 400

    def drain() -> None:  # a slow consumer: the inbox fills while it "writes"
        while len(received) < total:
            try:
                got = inbox.get(timeout=10)
            except queue.Empty:
                return
            peak[0] = max(peak[0], inbox.qsize() + len(got.payload) + 1)
            received.append(got.payload)
            link.ack(got)
            if len(received) % 50 == 0:
                time.sleep(0.05)  # a batch being written
        done.set()

    try:
        assert link.connected.wait(10), "el enlace no se conectó a Mosquitto"
        # the subscription is in place once a probe comes back
        probe = f"{prefix}/probe".encode()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            publisher.publish(f"{prefix}/probe", probe, qos=1).wait_for_publish(5)
            try:
                if inbox.get(timeout=0.5).payload == probe:
                    break
            except queue.Empty:
                continue
        while not inbox.empty():
            link.ack(inbox.get())
        drainer = threading.Thread(target=drain, daemon=True)
        drainer.start()
        infos = [publisher.publish(f"{prefix}/m", f"{n:05d}".encode() * 20, qos=1) for n in range(total)]
        for info in infos:
            info.wait_for_publish(10)
        assert done.wait(60), f"llegaron {len(received)} de {total}"
    finally:
        link.stop(forget=True)
        publisher.disconnect()
        publisher.loop_stop()
    expected = [f"{n:05d}".encode() * 20 for n in range(total)]
    assert received == expected
    assert peak[0] <= 2048 + 101  # the bound, plus at most the one message that filled it
