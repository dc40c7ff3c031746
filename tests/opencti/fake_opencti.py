#!/usr/bin/env python3
"""A fake OpenCTI platform for the connector tests.

It serves the GraphQL calls an internal-enrichment connector makes
(healthCheck, registerConnector, pingConnector, the workEdit mutations,
stixCyberObservable, playbookStepExecution, stixBundlePush,
deleteConnector), creates the RabbitMQ topology the platform creates for a
connector, and consumes the connector's push queue like the platform's
worker: base64 content, bundle split into objects, each object checked.

It checks what a real platform checks: the bearer token, that relationship
types are allowed between their two ends, that ids are the deterministic
ones, and that every Location has x_opencti_location_type. It records
works, bundles and validation errors; the tests read them from
GET /_fake/state and write every received bundle to --bundle-dir.

Control endpoints (no token): GET /_fake/state; GET /_fake/summary (counts
only, cheap with many works); POST /_fake/publish (a
listen message, published to the connector's listen queue; ?raw=1 sends
the body as is); POST /_fake/entity (an observable that
stixCyberObservable returns, keyed by its id and standard_id).

The first line of stdout is the base URL.

Usage: fake_opencti.py --token T --connector-id ID --amqp-port N
                       --bundle-dir DIR [--user U --password P] [--light]

--light (benchmarks) keeps counts only: no bundle files, no validation,
no per-work records.
"""
import argparse
import base64
import json
import os
import re
import socket
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pika

NAMESPACE = uuid.UUID("00abedb4-aa42-466c-9c01-fed23315a9b7")
CONNECTOR_EXCHANGE = "amqp.connector.exchange"
WORKER_EXCHANGE = "amqp.worker.exchange"
USER_ID = "88ec0c6a-13ce-5e39-b486-354fe4a7084f"
LOCATION_TYPES = {"Country", "City", "Region", "Position",
                  "Administrative-Area"}
VALUE_SCOS = {"ipv4-addr", "ipv6-addr", "domain-name", "url", "email-addr",
              "mac-addr"}
NAME_SDOS = {"vulnerability", "malware", "tool", "campaign", "intrusion-set",
             "infrastructure", "threat-actor"}
SCO_TYPES = VALUE_SCOS | {"autonomous-system", "x509-certificate",
                          "software", "file", "artifact", "directory",
                          "mutex", "user-account", "network-traffic",
                          "windows-registry-key", "email-message",
                          "x-opencti-hostname"}
NOT_CORE = {"relationship", "sighting", "marking-definition", "bundle",
            "language-content", "extension-definition"}


def deterministic_id(kind, props):
    text = json.dumps(props, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False)
    return f"{kind}--{uuid.uuid5(NAMESPACE, text)}"


def expected_ids(obj):
    """Ids the platform accepts for obj, or None when no rule applies."""
    kind = obj.get("type")
    if kind in VALUE_SCOS and "value" in obj:
        return [deterministic_id(kind, {"value": obj["value"]})]
    if kind == "autonomous-system" and "number" in obj:
        return [deterministic_id(kind, {"number": obj["number"]})]
    if kind == "software":
        keys = ("name", "cpe", "swid", "vendor", "version")
        return [deterministic_id(kind, {k: obj[k] for k in keys if k in obj})]
    if kind == "indicator" and "pattern" in obj:
        return [deterministic_id(kind, {"pattern": obj["pattern"].strip()})]
    if kind in NAME_SDOS and "name" in obj:
        return [deterministic_id(kind, {"name": obj["name"].lower().strip()})]
    if kind == "location" and obj.get("x_opencti_location_type") and "name" in obj:
        return [deterministic_id(kind, {
            "name": obj["name"].lower().strip(),
            "x_opencti_location_type": obj["x_opencti_location_type"]})]
    if kind == "identity" and "name" in obj:
        return [deterministic_id(kind, {
            "name": obj["name"].lower().strip(),
            "identity_class": obj.get("identity_class",
                                      "organization").lower()})]
    if kind == "attack-pattern":
        if "x_mitre_id" in obj:
            return [deterministic_id(kind, {"x_mitre_id": obj["x_mitre_id"].strip()})]
        if "name" in obj:
            return [deterministic_id(kind, {"name": obj["name"].lower().strip()})]
    if kind == "relationship":
        base = {k: obj.get(k) for k in
                ("relationship_type", "source_ref", "target_ref")}
        ids = [deterministic_id(kind, base)]
        if "start_time" in obj:
            timed = dict(base, start_time=obj["start_time"])
            ids.append(deterministic_id(kind, timed))
            if "stop_time" in obj:
                ids.append(deterministic_id(kind, dict(timed, stop_time=obj["stop_time"])))
        return ids
    return None


def octi_type(obj):
    """OpenCTI's entity type name of a STIX object."""
    kind = obj.get("type", "")
    if kind == "location":
        return obj.get("x_opencti_location_type", "Location")
    if kind == "identity":
        return {"individual": "Individual", "class": "Sector",
                "system": "System"}.get(obj.get("identity_class"),
                                         "Organization")
    names = {"ipv4-addr": "IPv4-Addr", "ipv6-addr": "IPv6-Addr",
             "domain-name": "Domain-Name", "url": "Url",
             "mac-addr": "Mac-Addr", "x509-certificate": "X509-Certificate",
             "autonomous-system": "Autonomous-System",
             "observed-data": "Observed-Data"}
    if kind in names:
        return names[kind]
    return "-".join(part.capitalize() for part in kind.split("-"))


IPS = {"IPv4-Addr", "IPv6-Addr"}
PLACES = {"Region", "Country", "City", "Position"}
RULES = [
    ("belongs-to", IPS, {"Autonomous-System"}),
    ("located-at", IPS, PLACES),
    ("located-at", {"City"}, {"Country", "Region"}),
    ("located-at", {"Country"}, {"Region"}),
    ("located-at", {"Region"}, {"Region"}),
    ("located-at", {"Position"}, {"City"}),
    ("resolves-to", {"Domain-Name"}, IPS | {"Domain-Name"}),
    ("resolves-to", IPS, {"Mac-Addr"}),
    ("based-on", {"Indicator"}, {"Observed-Data"}),
    ("indicates", {"Indicator"}, {"Attack-Pattern", "Malware", "Campaign",
                                  "Infrastructure", "Intrusion-Set",
                                  "Threat-Actor", "Tool", "Vulnerability"}),
    ("derived-from", {"Indicator"}, {"Indicator"}),
    ("communicates-with", {"Malware", "Infrastructure"},
     IPS | {"Domain-Name", "Url"}),
]


def relationship_allowed(rel_type, source, target):
    if source.get("type") in NOT_CORE or target.get("type") in NOT_CORE:
        return False
    if rel_type in ("related-to", "revoked-by"):
        return True
    if (rel_type == "based-on" and source.get("type") == "indicator"
            and target.get("type") in SCO_TYPES):
        return True
    src, tgt = octi_type(source), octi_type(target)
    return any(rel_type == name and src in froms and tgt in tos
               for name, froms, tos in RULES)


def validate_bundle(bundle, known):
    """Returns the errors the platform would report for a bundle."""
    errors = []
    if not isinstance(bundle, dict) or bundle.get("type") != "bundle":
        return ["not a STIX bundle"]
    objects = bundle.get("objects")
    if not isinstance(objects, list) or not objects:
        return ["the bundle has no objects"]
    by_id = {o.get("id"): o for o in objects if isinstance(o, dict)}
    for obj in objects:
        oid = obj.get("id", "")
        if not re.fullmatch(r"[a-z0-9-]+--[0-9a-f-]{36}", oid):
            errors.append(f"{oid}: malformed id")
            continue
        if oid.split("--")[0] != obj.get("type"):
            errors.append(f"{oid}: id prefix is not the type {obj.get('type')}")
        if obj.get("type") == "location" and \
                obj.get("x_opencti_location_type") not in LOCATION_TYPES:
            errors.append(f"{oid}: Location without a valid "
                          f"x_opencti_location_type")
        allowed = expected_ids(obj)
        if allowed and oid not in allowed:
            errors.append(f"{oid}: not the deterministic id (expected "
                          f"{allowed[0]})")
        if obj.get("type") == "relationship":
            source = by_id.get(obj.get("source_ref")) or known.get(obj.get("source_ref"))
            target = by_id.get(obj.get("target_ref")) or known.get(obj.get("target_ref"))
            if source is None or target is None:
                errors.append(f"{oid}: Element(s) not found: "
                              f"{obj.get('source_ref')} -> {obj.get('target_ref')}")
            elif not relationship_allowed(obj.get("relationship_type"),
                                          source, target):
                errors.append(
                    f"{oid}: The relationship type "
                    f"{obj.get('relationship_type')} is not allowed between "
                    f"{octi_type(source)} and {octi_type(target)}")
    return errors


class Platform:
    """Everything the fake records, behind one lock."""

    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.works = {}
        self.bundles = []
        self.playbooks = []
        self.errors = []
        self.calls = {}
        self.registrations = []
        self.entities = {}
        self.known = {}
        self.sequence = 0
        self.publisher = None
        self.totals = {"received": 0, "processed": 0, "in_error": 0,
                       "bundles": 0, "objects": 0}

    def count(self, name):
        self.calls[name] = self.calls.get(name, 0) + 1

    def work(self, work_id):
        if self.args.light:
            return {"received": 0, "processed": 0, "in_error": False,
                    "messages": [], "errors": [], "expectations": 0,
                    "imported": 0, "pings": 0, "bundles": 0}
        return self.works.setdefault(work_id, {
            "received": 0, "processed": 0, "in_error": False, "messages": [],
            "errors": [], "expectations": 0, "imported": 0, "pings": 0,
            "bundles": 0, "complete": False})

    def update_complete(self, work):
        work["complete"] = (work["processed"] > 0 and
                            work["imported"] >= work["expectations"])

    def record_bundle(self, bundle, via, work_id):
        """Validates and stores a bundle; returns its errors."""
        if self.args.light:
            with self.lock:
                self.totals["bundles"] += 1
                self.totals["objects"] += len(bundle.get("objects", []))
            return []
        errors = validate_bundle(bundle, self.known)
        with self.lock:
            self.sequence += 1
            path = (f"{self.args.bundle_dir}/bundle-{os.getpid()}-"
                    f"{self.sequence:05d}.json")
            with open(path, "w") as f:
                json.dump(bundle, f)
            objects = bundle.get("objects", []) if isinstance(bundle, dict) else []
            entry = {"path": path, "via": via, "work_id": work_id,
                     "errors": errors,
                     "ids": [o.get("id") for o in objects if isinstance(o, dict)]}
            self.bundles.append(entry)
            self.errors.extend(errors)
            for obj in objects:
                if isinstance(obj, dict) and not errors:
                    self.known[obj.get("id")] = obj
            if work_id:
                work = self.work(work_id)
                work["bundles"] += 1
                # The worker splits a multi-object bundle and expects each
                # piece; a piece that fails is reported as an error.
                work["expectations"] += len(objects)
                work["imported"] += len(objects)
                work["errors"].extend(errors)
                self.update_complete(work)
        return errors

    def snapshot(self):
        with self.lock:
            return json.loads(json.dumps({
                "works": self.works, "bundles": self.bundles,
                "playbooks": self.playbooks, "errors": self.errors,
                "calls": self.calls, "registrations": self.registrations}))


def declare_topology(channel, connector_id):
    channel.exchange_declare(CONNECTOR_EXCHANGE, "direct", durable=True)
    channel.exchange_declare(WORKER_EXCHANGE, "direct", durable=True)
    for kind, exchange in (("listen", CONNECTOR_EXCHANGE),
                           ("push", WORKER_EXCHANGE)):
        queue = f"{kind}_{connector_id}"
        channel.queue_declare(queue, durable=True, exclusive=False,
                              auto_delete=False)
        channel.queue_bind(queue, exchange, f"{kind}_routing_{connector_id}")


def broker_parameters(args):
    return pika.ConnectionParameters(
        host="127.0.0.1", port=args.amqp_port,
        credentials=pika.PlainCredentials(args.user, args.password),
        heartbeat=30, connection_attempts=1, socket_timeout=5)


class Publisher:
    """Publishes listen messages, reconnecting after a broker restart."""

    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.connection = None
        self.channel = None

    def _channel(self):
        if self.connection is None or self.connection.is_closed:
            self.connection = pika.BlockingConnection(broker_parameters(self.args))
            self.channel = self.connection.channel()
            self.channel.confirm_delivery()
            declare_topology(self.channel, self.args.connector_id)
        return self.channel

    def publish(self, body):
        with self.lock:
            for attempt in range(30):
                try:
                    self._channel().basic_publish(
                        CONNECTOR_EXCHANGE,
                        f"listen_routing_{self.args.connector_id}", body,
                        pika.BasicProperties(delivery_mode=2))
                    return
                except pika.exceptions.AMQPError:
                    self.connection = None
                    time.sleep(0.5)
            raise RuntimeError("cannot publish to RabbitMQ")


def consume_push(platform):
    """The platform worker: reads push_<id> until the process ends."""
    args = platform.args
    queue = f"push_{args.connector_id}"

    def on_message(channel, method, properties, body):
        with platform.lock:
            platform.count("push_queue")
        try:
            message = json.loads(body)
            content = base64.b64decode(message["content"])
            bundle = json.loads(content)
            missing = [k for k in ("applicant_id", "content", "action_sequence",
                                   "entities_types") if k not in message]
            if missing:
                with platform.lock:
                    platform.errors.append(f"push message lacks {missing}")
            platform.record_bundle(bundle, "amqp", message.get("work_id"))
        except (ValueError, KeyError) as err:
            with platform.lock:
                platform.errors.append(f"unreadable push message: {err}")
        channel.basic_ack(method.delivery_tag)

    while True:
        try:
            connection = pika.BlockingConnection(broker_parameters(args))
            channel = connection.channel()
            declare_topology(channel, args.connector_id)
            channel.basic_consume(queue, on_message)
            channel.start_consuming()
        except pika.exceptions.AMQPError:
            time.sleep(0.5)


def graphql_error(message, name="FUNCTIONAL_ERROR"):
    return {"errors": [{"message": message, "name": name}], "data": None}


class Handler(BaseHTTPRequestHandler):
    platform = None
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        # Headers and body go out in two writes; without TCP_NODELAY the
        # second waits for the client's delayed ACK (about 40 ms on Linux).
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, fmt, *args):
        pass

    def reply(self, status, doc):
        body = json.dumps(doc).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def body(self):
        length = int(self.headers.get("Content-Length", 0))
        return self.rfile.read(length)

    def do_GET(self):
        if self.path == "/_fake/state":
            return self.reply(200, self.platform.snapshot())
        if self.path == "/_fake/summary":
            with self.platform.lock:
                summary = dict(self.platform.totals)
            return self.reply(200, summary)
        return self.reply(404, {"error": "not found"})

    def do_POST(self):
        p = self.platform
        if self.path.startswith("/_fake/publish"):
            raw = self.body()
            p.publisher.publish(raw)
            return self.reply(200, {"published": len(raw)})
        if self.path == "/_fake/entity":
            entity = json.loads(self.body())
            with p.lock:
                p.entities[entity["id"]] = entity
                p.entities[entity["standard_id"]] = entity
            return self.reply(200, {"ok": True})
        if self.path != "/graphql":
            return self.reply(404, {"error": "not found"})
        request = json.loads(self.body())
        if self.headers.get("Authorization") != f"Bearer {p.args.token}":
            with p.lock:
                p.count("unauthorized")
            return self.reply(200, graphql_error(
                "You must be logged in to do this.", "AUTH_REQUIRED"))
        return self.reply(200, self.dispatch(request.get("query", ""),
                                             request.get("variables") or {}))

    def dispatch(self, query, v):
        p = self.platform
        for name, handler in (
                ("registerConnector", self.register),
                ("pingConnector", self.ping),
                ("toReceived", self.to_received),
                ("toProcessed", self.to_processed),
                ("addExpectations", self.add_expectations),
                ("playbookStepExecution", self.playbook_step),
                ("stixBundlePush", self.bundle_push),
                ("stixCyberObservable", self.observable),
                ("deleteConnector", lambda v: {"deleteConnector": v.get("id")}),
                ("about", lambda v: {"about": {"version": "6.8.10"}})):
            if name in query:
                with p.lock:
                    p.count(name)
                return {"data": handler(v)}
        if re.search(r"workEdit\(id: \$id\) \{ ping \}", query):
            with p.lock:
                p.count("pingWork")
                p.work(v["id"])["pings"] += 1
            return {"data": {"workEdit": {"ping": v["id"]}}}
        return graphql_error(f"unknown query: {query[:80]}")

    def register(self, v):
        p = self.platform
        data = v["input"]
        problems = []
        if data.get("type") != "INTERNAL_ENRICHMENT":
            problems.append("type must be INTERNAL_ENRICHMENT")
        if len(data.get("name", "")) < 2:
            problems.append("name needs 2 characters")
        if data.get("playbook_compatible") is not True:
            problems.append("playbook_compatible must be true")
        cid = data.get("id")
        with p.lock:
            p.registrations.append(data)
            p.errors.extend(f"registerConnector: {x}" for x in problems)
        a = p.args
        return {"registerConnector": {
            "id": cid, "connector_state": None,
            "config": {
                "connection": {"host": "127.0.0.1", "vhost": "/",
                               "use_ssl": False, "port": a.amqp_port,
                               "user": a.user, "pass": a.password},
                "listen": f"listen_{cid}",
                "listen_routing": f"listen_routing_{cid}",
                "listen_exchange": CONNECTOR_EXCHANGE,
                "push": f"push_{cid}", "push_routing": f"push_routing_{cid}",
                "push_exchange": WORKER_EXCHANGE},
            "connector_user_id": USER_ID}}

    def ping(self, v):
        return {"pingConnector": {"id": v["id"], "connector_state": None,
                                  "connector_info": v.get("connectorInfo")}}

    def to_received(self, v):
        with self.platform.lock:
            work = self.platform.work(v["id"])
            work["received"] += 1
            self.platform.totals["received"] += 1
        return {"workEdit": {"toReceived": v["id"]}}

    def to_processed(self, v):
        p = self.platform
        with p.lock:
            work = p.work(v["id"])
            work["processed"] += 1
            work["in_error"] = bool(v.get("inError"))
            p.totals["processed"] += 1
            p.totals["in_error"] += bool(v.get("inError"))
            work["messages"].append(v.get("message"))
            p.update_complete(work)
        return {"workEdit": {"toProcessed": v["id"]}}

    def add_expectations(self, v):
        with self.platform.lock:
            work = self.platform.work(v["id"])
            work["expectations"] += int(v.get("expectations") or 0)
        return {"workEdit": {"addExpectations": v["id"]}}

    def playbook_step(self, v):
        p = self.platform
        missing = [k for k in ("execution_id", "event_id", "execution_start",
                               "data_instance_id", "playbook_id",
                               "previous_step_id", "step_id",
                               "previous_bundle", "bundle") if not v.get(k)]
        bundle = json.loads(v["bundle"])
        previous = json.loads(v["previous_bundle"])
        errors = p.record_bundle(bundle, "playbook", None)
        with p.lock:
            p.playbooks.append({"execution_id": v.get("execution_id"),
                                "missing": missing, "errors": errors,
                                "ids": [o["id"] for o in bundle["objects"]],
                                "previous_ids": [o["id"] for o in
                                                 previous.get("objects", [])]})
            p.errors.extend(f"playbookStepExecution lacks {k}" for k in missing)
        return {"playbookStepExecution": True}

    def bundle_push(self, v):
        p = self.platform
        if v.get("connectorId") != p.args.connector_id:
            with p.lock:
                p.errors.append("stixBundlePush with a wrong connectorId")
        p.record_bundle(json.loads(v["bundle"]), "api", v.get("work_id"))
        return {"stixBundlePush": True}

    def observable(self, v):
        with self.platform.lock:
            return {"stixCyberObservable": self.platform.entities.get(v["id"])}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--token", required=True)
    parser.add_argument("--connector-id", required=True)
    parser.add_argument("--amqp-port", type=int, required=True)
    parser.add_argument("--bundle-dir", required=True)
    parser.add_argument("--user", default="guest")
    parser.add_argument("--password", default="guest")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--light", action="store_true")
    args = parser.parse_args()

    platform = Platform(args)
    platform.publisher = Publisher(args)
    Handler.platform = platform
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    threading.Thread(target=consume_push, args=(platform,), daemon=True).start()
    print(f"http://127.0.0.1:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
