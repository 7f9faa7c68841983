"""Reads a config.toml the way the tutorial's avro_producer.py and
avro_consumer.py do, with their own library (toml, confluent-kafka's
SchemaRegistryClient), and prints what they would use as JSON.

usage: tutorial_config.py DIR   (DIR holds config.toml; the scripts run from there)

Every conf[...][...] expression below is copied from the tutorial's scripts;
a missing key stops it with KeyError, a key of the wrong type with TypeError,
as the scripts would. It then asks the registry for the subject's latest
version (a GET) and registers a schema (a POST, which Hopsworks 2.2 answers
with 415 unless the client library is patched).
"""
import json
import os
import sys

import toml
from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from confluent_kafka.schema_registry.error import SchemaRegistryError


def main():
    os.chdir(sys.argv[1])
    conf = toml.load('config.toml')

    # url for the schema registry in HopsWorks REST API services
    registry_url = 'https://' + conf['hops']['url']\
        + conf['api']['base'] + '/project/'+conf['project']['id']+'/kafka'
    schema_registry_conf = {'url': registry_url, 'ssl.ca.location': conf['hops']['verify']}
    schema_registry_client = SchemaRegistryClient(schema_registry_conf)
    headers={'Authorization': 'ApiKey ' + conf['api']['key']}
    schema_registry_client._rest_client.session.headers.update(headers)

    client_conf = {'bootstrap.servers': conf['hops']['url']+':'+conf['kafka']['port'],
                   'security.protocol': 'SSL',
                   'ssl.ca.location': conf['project']['ca_file'],
                   'ssl.certificate.location': conf['project']['certificate_file'],
                   'ssl.key.location': conf['project']['key_file'],
                   'ssl.key.password': conf['project']['key_password'],
                   'group.id': conf['kafka']['consumer']['group_id'],
                   'auto.offset.reset': conf['kafka']['consumer']['auto_offset_reset'],
                   }
    topic = conf['kafka']['topic']

    latest = schema_registry_client.get_latest_version(conf['kafka']['schema'])
    try:
        schema_registry_client.register_schema('tutorial-probe-value', Schema('"string"', 'AVRO'))
        registered = 'ok'
    except SchemaRegistryError as e:
        registered = str(e.http_status_code)

    with open(conf['api']['key_file']) as f:
        key_matches_file = f.read().strip() == conf['api']['key']
    files = [client_conf[k] for k in ('ssl.ca.location', 'ssl.certificate.location', 'ssl.key.location')]
    json.dump({
        'registry_url': registry_url,
        'bootstrap': client_conf['bootstrap.servers'],
        'topic': topic,
        'group_id': client_conf['group.id'],
        'auto_offset_reset': client_conf['auto.offset.reset'],
        'files_exist': all(os.path.isfile(p) for p in files + [conf['hops']['verify']]),
        'key_password_set': bool(client_conf['ssl.key.password']),
        'key_matches_file': key_matches_file,
        'latest_schema_id': latest.schema_id,
        'register': registered,
    }, sys.stdout)


if __name__ == '__main__':
    main()
