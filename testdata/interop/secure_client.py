"""The tutorial's secure client, reduced: reads the tutorial's config.toml and
talks to the cluster over mutual TLS with the PEM files (project.ca_file,
certificate_file, key_file with key_password) and to the Hopsworks registry
with the API key (api.key or api.key_file) and hops.verify, as the tutorial's
avro_producer.py and avro_consumer.py do.

usage: secure_client.py CONFIG consume COUNT   prints key partition offset id value per record
       secure_client.py CONFIG produce COUNT   produces COUNT steps of 8 sensors, prints key partition offset

Run it without REQUESTS_CA_BUNDLE and CURL_CA_BUNDLE in the environment:
requests lets them override hops.verify. One difference from the tutorial: when hops.url carries a port (the registry's,
as "kafkaplot cluster --secure" writes it), the Kafka bootstrap server uses
the host only, with kafka.port.
"""
import datetime
import os
import sys
import tomllib

from confluent_kafka import Consumer, Producer
from confluent_kafka.avro import CachedSchemaRegistryClient
from confluent_kafka.avro.serializer.message_serializer import MessageSerializer


def main():
    path, mode, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with open(path, "rb") as f:
        config = tomllib.load(f)
    base = os.path.dirname(os.path.abspath(path))
    here = lambda p: os.path.join(base, p)
    hops, project, kafka, api = config["hops"], config["project"], config["kafka"], config["api"]

    key = api.get("key")
    if not key:
        with open(here(api["key_file"])) as f:
            key = f.read().strip()
    registry = CachedSchemaRegistryClient({"url": "https://" + hops["url"] + api["base"] + "/project/" + str(project["id"]) + "/kafka"})
    # The legacy client sets basic auth from the URL (empty here), which would
    # replace the header: Hopsworks wants its API key instead.
    registry._session.auth = None
    registry._session.headers["Authorization"] = "ApiKey " + key
    verify = hops.get("verify", True)
    registry._session.verify = here(verify) if isinstance(verify, str) else verify
    serializer = MessageSerializer(registry)

    host = hops["url"].rsplit(":", 1)[0] if ":" in hops["url"] else hops["url"]
    tls = {
        "bootstrap.servers": host + ":" + str(kafka["port"]),
        "security.protocol": "SSL",
        "ssl.ca.location": here(project["ca_file"]),
        "ssl.certificate.location": here(project["certificate_file"]),
        "ssl.key.location": here(project["key_file"]),
        "ssl.key.password": project["key_password"],
    }
    if mode == "consume":
        consume(tls, kafka, serializer, count)
    else:
        produce(tls, kafka, registry, serializer, count)


def consume(tls, kafka, serializer, count):
    consumer = Consumer(dict(tls, **{
        "group.id": "python-secure",
        "auto.offset.reset": "earliest",
        "enable.auto.commit": False,
    }))
    consumer.subscribe([kafka["topic"]])
    seen = idle = 0
    while seen < count and idle < 150:
        msg = consumer.poll(0.2)
        if msg is None:
            idle += 1
            continue
        if msg.error():
            sys.exit("consume: %s" % msg.error())
        event = serializer.decode_message(msg.value())
        print(msg.key().decode(), msg.partition(), msg.offset(), event["id"], repr(event["value"]), flush=True)
        seen += 1
    consumer.close()
    if seen < count:
        sys.exit("read %d records, want %d" % (seen, count))


def produce(tls, kafka, registry, serializer, count):
    schema_id, _schema, _version = registry.get_latest_schema(kafka["schema"])
    if schema_id is None:
        sys.exit("subject %s not found" % kafka["schema"])
    producer = Producer(tls)
    failures = []

    def report(err, msg):
        if err is not None:
            failures.append(err)
            return
        print(msg.key().decode(), msg.partition(), msg.offset(), flush=True)

    for step in range(count):
        for i in range(8):
            millis = 1_700_000_000_000 + step * 1000
            stamp = datetime.datetime.fromtimestamp(millis / 1000, tz=datetime.timezone.utc)
            record = {"timestamp": stamp, "id": "sensor%d" % i, "value": 100 + step + i / 10}
            producer.produce(kafka["topic"], key="sensor%d" % i, value=serializer.encode_record_with_schema_id(schema_id, record), on_delivery=report)
        producer.poll(0)
    producer.flush(30)
    if failures:
        sys.exit("delivery failed: %s" % failures[0])


if __name__ == "__main__":
    main()
