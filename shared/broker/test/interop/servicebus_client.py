"""Microsoft's Python Service Bus SDK (azure-servicebus on uamqp, as Debian's python3-azure ships it) against
the broker: send, receive, complete, dead-letter, receive from the dead-letter queue, and subscription rules
(a correlation filter and a SQL filter from the broker's config), over AMQP (TLS, as uamqp always connects)
or over WebSockets (wss). Prints one JSON line with what it saw.

usage: python3 servicebus_client.py amqp|websocket CERT_FILE
with HAYMAKER_CONNECTION_STRING (the broker's, with its real key) in the environment.
"""
import json
import os
import re
import sys

import azure.servicebus
import azure.servicebus._common._configuration as sdk_configuration
from azure.servicebus import ServiceBusClient, ServiceBusMessage, ServiceBusSubQueue, TransportType

TRANSPORT, CERT = sys.argv[1], sys.argv[2]
CONNECTION = os.environ["HAYMAKER_CONNECTION_STRING"]


def field(name):
    match = re.search(r"(?:^|;)" + name + r"=([^;]+)", CONNECTION)
    return match.group(1) if match else None


host, port = re.match(r"sb://([^:/;]+):(\d+)", field("Endpoint")).groups()
# This SDK version reads no port from the endpoint: it connects to 5671 (AMQP over TLS) or 443 (WebSockets),
# with a custom_endpoint_address (which implies WebSockets) the only way to another port. For AMQP the
# default port is therefore set here, before the client reads it.
sdk_configuration.DEFAULT_AMQPS_PORT = int(port)
connection = f"Endpoint=sb://{host}/;SharedAccessKeyName={field('SharedAccessKeyName')};SharedAccessKey={field('SharedAccessKey')}"
options = {"connection_verify": CERT, "retry_total": 1, "retry_backoff_factor": 0.2}
if TRANSPORT == "websocket":
    options.update(transport_type=TransportType.AmqpOverWebsocket, custom_endpoint_address=f"sb://{host}:{port}")
else:
    options.update(transport_type=TransportType.Amqp)

seen = {"sdk": f"azure-servicebus {azure.servicebus.__version__}", "transport": TRANSPORT}
tag = f"py-{TRANSPORT}"

with ServiceBusClient.from_connection_string(connection, **options) as client:
    with client.get_queue_sender("py-queue") as sender:
        sender.send_messages([ServiceBusMessage(f"{tag}-{i}", message_id=f"{tag}-{i}", application_properties={"n": i}) for i in range(3)])

    with client.get_queue_receiver("py-queue", max_wait_time=5) as receiver:
        received = []
        while len(received) < 3:
            batch = receiver.receive_messages(max_message_count=3, max_wait_time=5)
            if not batch:
                break
            received.extend(batch)
        seen["received"] = sorted(str(message) for message in received)
        seen["properties"] = sorted(message.application_properties[b"n"] for message in received)
        seen["delivery_count"] = received[0].delivery_count if received else None
        for message in received:
            if str(message).endswith("-1"):
                receiver.dead_letter_message(message, reason="PythonSaidSo", error_description="dead-lettered by the Python SDK")
            else:
                receiver.complete_message(message)
        # Completed messages are gone: nothing is redelivered.
        seen["left_after_complete"] = len(receiver.peek_messages(max_message_count=10))

    with client.get_queue_receiver("py-queue", sub_queue=ServiceBusSubQueue.DEAD_LETTER, max_wait_time=5) as dead_letters:
        letters = dead_letters.receive_messages(max_message_count=5, max_wait_time=5)
        seen["dead_letters"] = [
            {"body": str(m), "reason": m.dead_letter_reason, "description": m.dead_letter_error_description} for m in letters
        ]
        for message in letters:
            dead_letters.complete_message(message)

    # Subscription rules from the broker's config: "red" takes color = 'red' (SQL), "urgent" the label
    # "urgent" (correlation), "all" everything.
    with client.get_topic_sender("py-topic") as sender:
        sender.send_messages([
            ServiceBusMessage("red", application_properties={"color": "red"}),
            ServiceBusMessage("blue", application_properties={"color": "blue"}),
            ServiceBusMessage("urgent", subject="urgent"),
        ])
    seen["subscriptions"] = {}
    for name in ["red", "urgent", "all"]:
        with client.get_subscription_receiver("py-topic", name, max_wait_time=2) as receiver:
            bodies = []
            while True:
                batch = receiver.receive_messages(max_message_count=10, max_wait_time=2)
                if not batch:
                    break
                for message in batch:
                    bodies.append(str(message))
                    receiver.complete_message(message)
            seen["subscriptions"][name] = sorted(bodies)

print(json.dumps(seen))
