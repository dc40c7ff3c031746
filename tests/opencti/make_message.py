#!/usr/bin/env python3
"""Writes an OpenCTI 6.x listen message for one observable to stdout.

The shapes are those the platform publishes: "auto" (on creation,
stix_objects null), "manual" (the enrich button, stix_objects with the
marking definitions), "playbook" (no event_type, the bundle inline) and
"old" (only entity_id, as early 6.x sent; the connector reads the entity
over GraphQL). stix_entity and stix_objects are JSON strings, as the
platform sends them.

Usage: make_message.py MODE TYPE VALUE [--work ID] [--tlp NAME]
           [--marking-id ID --marking-name NAME] [--no-marking]

TYPE is OpenCTI's type (IPv4-Addr, IPv6-Addr, Domain-Name, Url,
Email-Addr, ...). --tlp is TLP:CLEAR, TLP:GREEN, TLP:AMBER,
TLP:AMBER+STRICT or TLP:RED (default TLP:GREEN). --marking-id/--marking-name
add a custom marking with definition_type TLP. With --print-id the entity id
is printed instead of the message.
"""
import argparse
import json
import sys
import uuid

NAMESPACE = uuid.UUID("00abedb4-aa42-466c-9c01-fed23315a9b7")
OCTI_EXT = "extension-definition--ea279b3e-5c71-4632-ac08-831c66a786ba"
SCO_EXT = "extension-definition--f93e2c80-4231-4f9a-af8b-95c9bd566a82"
TLP = {
    "TLP:CLEAR": "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",
    "TLP:GREEN": "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
    "TLP:AMBER": "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82",
    "TLP:AMBER+STRICT": "marking-definition--826578e1-40ad-459f-bc73-ede076f81f37",
    "TLP:RED": "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed",
}
STIX_TYPES = {"IPv4-Addr": "ipv4-addr", "IPv6-Addr": "ipv6-addr",
              "Domain-Name": "domain-name", "Url": "url",
              "Email-Addr": "email-addr", "Mac-Addr": "mac-addr"}


def stix_id(kind, value):
    text = json.dumps({"value": value}, separators=(",", ":"),
                      ensure_ascii=False)
    return f"{kind}--{uuid.uuid5(NAMESPACE, text)}"


def marking_object(marking_id, name):
    return {"id": marking_id, "spec_version": "2.1",
            "type": "marking-definition", "definition_type": "TLP",
            "name": name, "created": "2022-01-01T00:00:00.000Z"}


def build(args):
    kind = STIX_TYPES[args.type]
    entity_id = stix_id(kind, args.value)
    markings = []
    if not args.no_marking:
        markings.append((TLP[args.tlp], args.tlp))
    if args.marking_id:
        markings.append((args.marking_id, args.marking_name))
    entity = {
        "id": entity_id, "spec_version": "2.1", "type": kind,
        "value": args.value,
        "object_marking_refs": [m[0] for m in markings],
        "extensions": {
            OCTI_EXT: {"extension_type": "property-extension",
                       "id": str(uuid.uuid5(NAMESPACE, "internal:" + args.value)),
                       "type": args.type,
                       "created_at": "2025-01-10T09:00:00.000Z",
                       "updated_at": "2025-01-10T09:00:00.000Z",
                       "is_inferred": False,
                       "creator_ids": ["88ec0c6a-13ce-5e39-b486-354fe4a7084f"]},
            SCO_EXT: {"extension_type": "property-extension", "score": 50,
                      "labels": ["from-feed"]}}}
    objects = [entity] + [marking_object(i, n) for i, n in markings]
    internal = {"work_id": args.work, "applicant_id": None, "draft_id": None,
                "trigger": "create", "mode": "auto"}
    if args.mode == "auto":
        event = {"event_type": "INTERNAL_ENRICHMENT", "entity_id": entity_id,
                 "entity_type": args.type,
                 "stix_entity": json.dumps(entity), "stix_objects": None}
    elif args.mode == "manual":
        internal.update(mode="manual", trigger="update")
        event = {"event_type": "INTERNAL_ENRICHMENT", "entity_id": entity_id,
                 "entity_type": args.type,
                 "stix_entity": json.dumps(entity),
                 "stix_objects": json.dumps(objects)}
    elif args.mode == "playbook":
        internal = {"work_id": None, "playbook": {
            "event_id": "1736500000000-0",
            "execution_id": str(uuid.uuid4()),
            "playbook_id": "7a1d2c3b-0000-4000-8000-000000000002",
            "data_instance_id": entity_id,
            "step_id": "b2c3d4e5-0000-4000-8000-000000000003",
            "previous_step_id": "a1b2c3d4-0000-4000-8000-000000000004"},
            "applicant_id": "c49fe040-2dad-412d-af07-ce639204ad55",
            "trigger": "update", "mode": "auto"}
        event = {"entity_id": entity_id, "bundle": {
            "type": "bundle", "id": f"bundle--{uuid.uuid4()}",
            "spec_version": "2.1", "objects": objects}}
    else:
        internal = {"work_id": args.work, "applicant_id": None}
        event = {"entity_id": entity_id}
    return entity_id, {"internal": internal, "event": event}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["auto", "manual", "playbook", "old"])
    parser.add_argument("type", choices=sorted(STIX_TYPES))
    parser.add_argument("value")
    parser.add_argument("--work", default=None)
    parser.add_argument("--tlp", default="TLP:GREEN", choices=sorted(TLP))
    parser.add_argument("--marking-id")
    parser.add_argument("--marking-name")
    parser.add_argument("--no-marking", action="store_true")
    parser.add_argument("--print-id", action="store_true")
    args = parser.parse_args()
    entity_id, message = build(args)
    print(entity_id if args.print_id else json.dumps(message))
    return 0


if __name__ == "__main__":
    sys.exit(main())
