"""Produces sensor events with the tutorial's own library (confluent-kafka 1.7),
value through its legacy Avro MessageSerializer, key as a plain string.

usage: avro_producer.py BROKER REGISTRY_URL TOPIC SUBJECT COUNT
Prints one line per delivered event: key partition offset value.
"""
import datetime
import sys

from confluent_kafka import Producer
from confluent_kafka.avro import CachedSchemaRegistryClient
from confluent_kafka.avro.serializer.message_serializer import MessageSerializer


def main():
    broker, registry, topic, subject, count = sys.argv[1:6]
    client = CachedSchemaRegistryClient({"url": registry})
    schema_id, _schema, _version = client.get_latest_schema(subject)
    if schema_id is None:
        sys.exit("subject %s not found" % subject)
    serializer = MessageSerializer(client)
    producer = Producer({"bootstrap.servers": broker})
    failures = []

    def report(err, msg):
        if err is not None:
            failures.append(err)
            return
        print(msg.key().decode(), msg.partition(), msg.offset(), flush=True)

    for step in range(int(count)):
        for i in range(8):
            millis = 1_600_000_000_000 + step * 1000
            # The schema's timestamp-millis logical type makes python-avro want a datetime.
            stamp = datetime.datetime.fromtimestamp(millis / 1000, tz=datetime.timezone.utc)
            record = {"timestamp": stamp, "id": "sensor%d" % i, "value": step + i / 10}
            value = serializer.encode_record_with_schema_id(schema_id, record)
            producer.produce(topic, key="sensor%d" % i, value=value, on_delivery=report)
        producer.poll(0)
    producer.flush(30)
    if failures:
        sys.exit("delivery failed: %s" % failures[0])


if __name__ == "__main__":
    main()
