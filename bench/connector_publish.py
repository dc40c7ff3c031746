#!/usr/bin/env python3
"""Publishes N listen messages for IPv4 observables to a connector's listen
queue, persistent as the OpenCTI platform sends them. Unlike the platform
it does not wait for publisher confirms, so that publishing is not what
the benchmarks measure.

Values cycle over VALUES distinct addresses taken from 88.198.0.0/16
(AS24940 in cip-sim's table), so VALUES bounds the Criminal IP calls and
the engine serves the rest from the response cache.

Usage: connector_publish.py AMQP_PORT CONNECTOR_ID N VALUES [START]
"""
import json
import sys
import uuid

import pika

NAMESPACE = uuid.UUID("00abedb4-aa42-466c-9c01-fed23315a9b7")
GREEN = "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"


def message(index, value):
    entity_id = "ipv4-addr--" + str(uuid.uuid5(
        NAMESPACE, json.dumps({"value": value}, separators=(",", ":"))))
    entity = {"id": entity_id, "spec_version": "2.1", "type": "ipv4-addr",
              "value": value, "object_marking_refs": [GREEN]}
    return json.dumps({
        "internal": {"work_id": f"opencti-work--bench-{index}",
                     "applicant_id": None, "draft_id": None,
                     "trigger": "create", "mode": "auto"},
        "event": {"event_type": "INTERNAL_ENRICHMENT",
                  "entity_id": entity_id, "entity_type": "IPv4-Addr",
                  "stix_entity": json.dumps(entity), "stix_objects": None}})


def main(argv):
    port, connector_id = int(argv[1]), argv[2]
    count, values = int(argv[3]), int(argv[4])
    start = int(argv[5]) if len(argv) > 5 else 0
    connection = pika.BlockingConnection(pika.ConnectionParameters(
        host="127.0.0.1", port=port,
        credentials=pika.PlainCredentials("guest", "guest")))
    channel = connection.channel()
    for i in range(start, start + count):
        n = i % values
        value = f"88.198.{1 + n // 250}.{1 + n % 250}"
        channel.basic_publish("amqp.connector.exchange",
                              f"listen_routing_{connector_id}",
                              message(i, value),
                              pika.BasicProperties(delivery_mode=2))
    connection.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
