"""Reads a topic from the beginning with the tutorial's own library and
decodes every value with its legacy Avro MessageSerializer.

usage: avro_consumer.py BROKER REGISTRY_URL TOPIC COUNT
Prints one line per record: key partition offset id timestamp value.
"""
import sys

from confluent_kafka import Consumer
from confluent_kafka.avro import CachedSchemaRegistryClient
from confluent_kafka.avro.serializer.message_serializer import MessageSerializer


def main():
    broker, registry, topic, count = sys.argv[1:5]
    serializer = MessageSerializer(CachedSchemaRegistryClient({"url": registry}))
    consumer = Consumer({
        "bootstrap.servers": broker,
        "group.id": "python-interop",
        "auto.offset.reset": "earliest",
        "enable.auto.commit": False,
    })
    consumer.subscribe([topic])
    seen = 0
    idle = 0
    while seen < int(count) and idle < 100:
        msg = consumer.poll(0.2)
        if msg is None:
            idle += 1
            continue
        if msg.error():
            sys.exit("consume: %s" % msg.error())
        event = serializer.decode_message(msg.value())
        print(msg.key().decode(), msg.partition(), msg.offset(), event["id"], str(event["timestamp"]).replace(" ", "T"), repr(event["value"]), flush=True)
        seen += 1
    consumer.close()
    if seen < int(count):
        sys.exit("read %d records, want %s" % (seen, count))


if __name__ == "__main__":
    main()
