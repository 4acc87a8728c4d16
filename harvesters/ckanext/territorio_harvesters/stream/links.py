"""One paho-mqtt connection per MQTT source: QoS 1, a persistent session, acknowledged by hand.

The client id is fixed per source (``territorio-<source id>``) and connects with
``clean_start=False`` and a session expiry, so the broker keeps the subscriptions and every
message not yet acknowledged while the consumer is down, and sends them again when it comes
back. Messages are only put on the consumer's inbox here; the consumer acknowledges them
(``ack``) after the batch holding their readings is committed. An acknowledgement of a
message received on an earlier connection is not sent: the broker redelivers it anyway.
"""
from __future__ import annotations

import logging
import queue
import ssl
import threading
import time
from dataclasses import dataclass
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.subscribeoptions import SubscribeOptions

from .broker import Broker

log = logging.getLogger(__name__)

# Unacknowledged messages the broker may send (MQTT 5 flow control). Not lower: what does not
# fit waits in the broker's session queue, and Mosquitto's default max_queued_messages (1000)
# drops the rest silently (measured: a 10,000-message burst lost 3,000 with 1000 here).
RECEIVE_MAXIMUM = 65535
KEEPALIVE = 30
# Payload bytes the inbox holds before paho's network thread waits for room: the consumer's
# memory stays bounded in a burst; unread messages wait in the socket and the broker's session.
INBOX_BYTES = 4 * 1024 * 1024
ROOM_WAIT_SECONDS = 0.2  # a waiting network thread looks this often whether its link stops


class Inbox(queue.Queue["Inbound"]):
    """The consumer's queue of messages, bounded by payload bytes (``maxsize``), not count.

    ``qsize`` is the payload bytes waiting (one more per message, so an empty payload counts):
    ``put`` waits while they reach ``maxsize``; one message always fits an empty inbox."""

    def __init__(self, maxsize: int = INBOX_BYTES) -> None:
        super().__init__(maxsize)
        self._bytes = 0

    def _qsize(self) -> int:
        return self._bytes

    def _put(self, item: Inbound) -> None:
        self._bytes += len(item.payload) + 1
        super()._put(item)

    def _get(self) -> Inbound:
        item: Inbound = super()._get()
        self._bytes -= len(item.payload) + 1
        return item


@dataclass(frozen=True)
class Inbound:
    """A message received for a source, waiting in the consumer's inbox."""

    link: Link
    generation: int
    mid: int
    qos: int
    topic: str
    payload: bytes
    received: float = 0.0  # time.monotonic() on arrival


def client_id(source_id: str) -> str:
    """The fixed MQTT client id of a source (its persistent session)."""
    return f"territorio-{source_id}"


class Link:
    """The connection of one source: subscribe its topics, hand messages to ``inbox``."""

    def __init__(
        self,
        source_id: str,
        target: Broker,
        topics: list[str],
        inbox: queue.Queue[Inbound],
        *,
        username: str | None = None,
        password: str | None = None,
        session_expiry: int = 604800,
        unsubscribe: list[str] | None = None,
    ) -> None:
        self.source_id = source_id
        self.target = target
        self.topics = topics
        self.inbox = inbox
        self.session_expiry = session_expiry
        self.generation = 0
        self.connected = threading.Event()
        self._stopping = threading.Event()
        self.last_error: str | None = None
        self._unsubscribe = list(unsubscribe or [])
        self._lock = threading.Lock()
        self.client = mqtt.Client(
            mqtt.CallbackAPIVersion.VERSION2,
            client_id=client_id(source_id),
            protocol=mqtt.MQTTv5,
            manual_ack=True,
        )
        if username:
            self.client.username_pw_set(username, password)
        if target.tls:
            self.client.tls_set(cert_reqs=ssl.CERT_REQUIRED)
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_message = self._on_message
        self.client.reconnect_delay_set(1, 30)

    def _properties(self, expiry: int) -> Properties:
        properties = Properties(PacketTypes.CONNECT)
        properties.SessionExpiryInterval = expiry
        properties.ReceiveMaximum = RECEIVE_MAXIMUM
        return properties

    def start(self) -> None:
        """Connect in the background (paho's network thread) and keep reconnecting."""
        # TLS needs the name for its certificate check; plain MQTT dials the guarded address
        host = self.target.host if self.target.tls else self.target.address
        self.client.connect_async(
            host,
            self.target.port,
            keepalive=KEEPALIVE,
            clean_start=False,
            properties=self._properties(self.session_expiry),
        )
        self.client.loop_start()

    def _on_connect(self, client: mqtt.Client, userdata: Any, flags: Any, reason: Any, properties: Any) -> None:
        if reason.is_failure:
            self.last_error = f"el broker rechazó la conexión: {reason}"
            log.warning("mqtt %s: %s", self.source_id, self.last_error)
            return
        with self._lock:
            self.generation += 1
        self.last_error = None
        if self._unsubscribe:
            client.unsubscribe(self._unsubscribe)
            self._unsubscribe = []
        client.subscribe([(topic, SubscribeOptions(qos=1)) for topic in self.topics])
        self.connected.set()
        log.info("mqtt %s: conectado a %s:%s, temas %s", self.source_id, self.target.host, self.target.port, self.topics)

    def _on_disconnect(self, client: mqtt.Client, userdata: Any, flags: Any, reason: Any, properties: Any) -> None:
        self.connected.clear()
        if reason is not None and getattr(reason, "is_failure", False):
            self.last_error = f"desconectado: {reason}"
            log.warning("mqtt %s: %s", self.source_id, self.last_error)

    def _on_message(self, client: mqtt.Client, userdata: Any, message: mqtt.MQTTMessage) -> None:
        item = Inbound(self, self.generation, message.mid, message.qos, message.topic, bytes(message.payload),
                       time.monotonic())
        while not self._stopping.is_set():
            try:
                self.inbox.put(item, timeout=ROOM_WAIT_SECONDS)
                return
            except queue.Full:
                continue  # a full inbox: the consumer is writing a batch
        # stopping: the message is not acknowledged, so the broker sends it again

    def ack(self, item: Inbound) -> None:
        """Acknowledge a message whose reading is committed (QoS 1 PUBACK), on this connection only."""
        if item.qos and item.generation == self.generation and self.connected.is_set():
            self.client.ack(item.mid, item.qos)

    def stop(self, *, forget: bool = False) -> None:
        """Disconnect, keeping the session at the broker (or dropping it with ``forget``)."""
        self._stopping.set()  # a network thread waiting for room in the inbox gives up
        if forget:
            properties = Properties(PacketTypes.DISCONNECT)
            properties.SessionExpiryInterval = 0  # the broker drops the session on disconnect
            self.client.disconnect(properties=properties)
        else:
            self.client.disconnect()
        self.client.loop_stop()
        self.connected.clear()
