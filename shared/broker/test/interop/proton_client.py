"""A Qpid Proton client (an AMQP 1.0 implementation independent of rhea) exercising the broker the way
non-JavaScript clients do: same-named sender and receiver links, settle-first receiving, AMQP-typed values,
CBS and management requests answered by reply-link target address. Prints one JSON line with what it saw.

usage: python3 proton_client.py PORT QUEUE COUNT
with HAYMAKER_KEY_NAME and HAYMAKER_KEY (a rule's name and key, for SASL PLAIN) and HAYMAKER_TOKEN (a Shared
Access Signature to put on $cbs) in the environment.
"""
import json
import os
import sys

from proton import Message, int32, symbol, ulong
from proton.handlers import MessagingHandler
from proton.reactor import Container

PORT, QUEUE, COUNT = sys.argv[1], sys.argv[2], int(sys.argv[3])
KEY_NAME, KEY, TOKEN = os.environ["HAYMAKER_KEY_NAME"], os.environ["HAYMAKER_KEY"], os.environ["HAYMAKER_TOKEN"]


class Client(MessagingHandler):
    def __init__(self):
        super().__init__(prefetch=500)
        self.seen = {"received": 0, "sequence_numbers_rising": True}
        self.sent = 0
        self.last_sequence = 0
        self.requests_sent = False

    def on_start(self, event):
        # SASL PLAIN with the rule's name and key, as Service Bus accepts from Qpid clients (over plain TCP
        # here, which Proton allows only when told to).
        self.connection = event.container.connect(f"amqp://127.0.0.1:{PORT}", allowed_mechs="PLAIN", allow_insecure_mechs=True,
                                                   user=KEY_NAME, password=KEY)
        self.sender = event.container.create_sender(self.connection, QUEUE)
        self.receiver = event.container.create_receiver(self.connection, QUEUE)
        self.cbs_replies = event.container.create_receiver(self.connection, source="$cbs", target="cbs-reply-to", name="cbs-replies")
        self.cbs = event.container.create_sender(self.connection, "$cbs")
        management = f"{QUEUE}/$management"
        self.management_replies = event.container.create_receiver(self.connection, source=management, target="mgmt-reply-to", name="mgmt-replies")
        self.management = event.container.create_sender(self.connection, management)

    def on_sendable(self, event):
        if event.sender == self.sender:
            while self.sender.credit > 0 and self.sent < COUNT:
                self.sender.send(Message(id=f"p-{self.sent}", body=f"message {self.sent}", properties={"n": int32(self.sent), "big": ulong(2**40)}))
                self.sent += 1
        elif event.sender == self.cbs and not self.requests_sent:
            self.requests_sent = True
            self.cbs.send(Message(id=ulong(42), reply_to="cbs-reply-to", body=TOKEN,
                                  properties={"operation": "put-token", "type": "servicebus.windows.net:sastoken", "name": f"sb://localhost/{QUEUE}"}))
        elif event.sender == self.management and "peek_status" not in self.seen and self.seen["received"] == 0:
            self.seen["peek_status"] = None
            self.management.send(Message(id="peek-1", reply_to="mgmt-reply-to", properties={"operation": "com.microsoft:peek-message"},
                                         body={"from-sequence-number": 0, "message-count": int32(2)}))

    def on_message(self, event):
        message = event.message
        if event.receiver == self.receiver:
            self.seen["received"] += 1
            sequence = message.annotations[symbol("x-opt-sequence-number")]
            if sequence <= self.last_sequence:
                self.seen["sequence_numbers_rising"] = False
            self.last_sequence = sequence
            if self.seen["received"] == 1:
                self.seen["first"] = {
                    "id": message.id,
                    "n_type": type(message.properties["n"]).__name__,
                    "big": message.properties["big"],
                    "big_type": type(message.properties["big"]).__name__,
                    "delivery_count": message.delivery_count,
                }
        elif event.receiver == self.cbs_replies:
            status = message.properties["status-code"]
            self.seen["cbs"] = {"status": int(status), "type": type(status).__name__, "correlation": int(message.correlation_id)}
        elif event.receiver == self.management_replies:
            status = message.properties["statusCode"]
            self.seen["peek_status"] = {"status": int(status), "type": type(status).__name__, "messages": len(message.body["messages"]), "correlation": message.correlation_id}
        self.maybe_done()

    def maybe_done(self):
        if self.seen["received"] >= COUNT and "cbs" in self.seen and self.seen.get("peek_status"):
            self.connection.close()


client = Client()
Container(client).run()
print(json.dumps(client.seen))
