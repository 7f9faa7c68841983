"""A member of a consumer group with the tutorial's library (confluent-kafka
on librdkafka), subscribed with its default assignment strategy unless one
is given.

usage: group_member.py BROKER GROUP TOPIC [STRATEGY [SESSION_MS]]
Prints "owns 0,1" (or "owns -") whenever its assignment changes and
"record PARTITION OFFSET" for every record. When stdin closes it closes the
consumer (committing and leaving the group), prints "closed" and exits.
librdkafka's own log and errors go to stderr.
"""
import os
import select
import sys

from confluent_kafka import Consumer


def main():
    broker, group, topic = sys.argv[1:4]
    conf = {
        "bootstrap.servers": broker,
        "group.id": group,
        "client.id": "rdkafka",
        "auto.offset.reset": "earliest",
        "session.timeout.ms": 6000,
        "heartbeat.interval.ms": 250,
        "fetch.wait.max.ms": 100,
        "error_cb": lambda err: print("error:", err, file=sys.stderr, flush=True),
    }
    if len(sys.argv) > 4:
        conf["partition.assignment.strategy"] = sys.argv[4]
    if len(sys.argv) > 5:
        conf["session.timeout.ms"] = int(sys.argv[5])
    consumer = Consumer(conf)
    consumer.subscribe([topic])
    owned = None
    stdin = sys.stdin.fileno()
    while True:
        msg = consumer.poll(0.05)
        if msg is not None:
            if msg.error():
                print("error:", msg.error(), file=sys.stderr, flush=True)
            else:
                print("record", msg.partition(), msg.offset(), flush=True)
        now = sorted(p.partition for p in consumer.assignment())
        if now != owned:
            owned = now
            print("owns", ",".join(map(str, now)) or "-", flush=True)
        readable, _, _ = select.select([stdin], [], [], 0)
        if readable and not os.read(stdin, 4096):
            break
    consumer.close()
    print("closed", flush=True)


if __name__ == "__main__":
    main()
