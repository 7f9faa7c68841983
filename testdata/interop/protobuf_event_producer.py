"""Produces Events with a google.protobuf.Timestamp through confluent-kafka's
ProtobufSerializer, which registers google/protobuf/timestamp.proto under
its own subject and the Event's schema with a reference to it.

usage: protobuf_event_producer.py BROKER REGISTRY_URL TOPIC COUNT START_MS
The Event class (Timestamp at = 1, string name = 2, double level = 3) is
built at run time from a FileDescriptorProto, as protoc would generate it
(Debian's protoc comes without the well-known .proto files). Event i is at
START_MS + 1000 i ms (epoch milliseconds) with level 1.5 + i. Prints "ok"
when delivered.
"""
import sys

from google.protobuf import descriptor_pb2, descriptor_pool, timestamp_pb2  # noqa: F401 (registers Timestamp)
from google.protobuf.message_factory import MessageFactory


def event_class():
    fdp = descriptor_pb2.FileDescriptorProto(name="event.proto", syntax="proto3",
                                             dependency=["google/protobuf/timestamp.proto"])
    m = fdp.message_type.add(name="Event")
    F = descriptor_pb2.FieldDescriptorProto
    m.field.add(name="at", number=1, label=F.LABEL_OPTIONAL, type=F.TYPE_MESSAGE, type_name=".google.protobuf.Timestamp")
    m.field.add(name="name", number=2, label=F.LABEL_OPTIONAL, type=F.TYPE_STRING)
    m.field.add(name="level", number=3, label=F.LABEL_OPTIONAL, type=F.TYPE_DOUBLE)
    pool = descriptor_pool.Default()
    pool.AddSerializedFile(fdp.SerializeToString())
    return MessageFactory(pool).GetPrototype(pool.FindMessageTypeByName("Event"))


def main():
    broker, registry, topic, count, start = sys.argv[1:6]
    from confluent_kafka import SerializingProducer
    from confluent_kafka.schema_registry import SchemaRegistryClient
    from confluent_kafka.schema_registry.protobuf import ProtobufSerializer
    from confluent_kafka.serialization import StringSerializer

    Event = event_class()
    p = SerializingProducer({
        "bootstrap.servers": broker,
        "key.serializer": StringSerializer("utf_8"),
        "value.serializer": ProtobufSerializer(Event, SchemaRegistryClient({"url": registry})),
    })
    failures = []
    for i in range(int(count)):
        e = Event(name="e%d" % i, level=1.5 + i)
        e.at.FromMilliseconds(int(start) + i * 1000)
        p.produce(topic, key="k%d" % i, value=e,
                  on_delivery=lambda err, msg: err is not None and failures.append(str(err)))
    p.flush(30)
    if failures:
        sys.exit("delivery failed: %s" % failures[0])
    print("ok")


if __name__ == "__main__":
    main()
