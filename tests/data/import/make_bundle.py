#!/usr/bin/env python3
"""Writes the STIX test inputs of the import, export and cluster tests.

Usage: make_bundle.py SCENARIO > FILE

Every id is the deterministic one (UUIDv5 in the OASIS namespace over the
canonical JSON of the id-contributing properties, as pycti and
stix-validate --ids compute it), so that whatever cipgraph exports from
these inputs passes stix-validate --strict. The foreign scenarios give
observables other ids on purpose: the import must replace them.

Scenarios:
  problems  invalid objects, a duplicate id, a relationship to an address
            that is not in the file, an indicator whose author is missing
  late      the missing address and author, for a second import
  export    a small scored graph for the export filters
  clusters  phishing domains and IPs with known campaigns (see CLUSTERS)
  clusters-more  one more member of the evil-one.com campaign
  foreign   observables and an indicator with ids that are not their
            deterministic ids, referenced before and after they appear
  foreign-later  a reference to a foreign id of the foreign scenario, that
            id given to another address, and the deterministic id of
            203.0.113.31 given to 9.9.9.9
  rejects   one valid address and objects that OpenCTI or the STIX schemas
            reject (see REJECTS)
"""
import json
import sys
import uuid

NAMESPACE = uuid.UUID("00abedb4-aa42-466c-9c01-fed23315a9b7")
AMBER = "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"
TIME = "2026-11-20T10:00:00.000Z"


def sid(kind, props):
    text = json.dumps(props, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False)
    return f"{kind}--{uuid.uuid5(NAMESPACE, text)}"


def identity(name):
    return {"type": "identity", "spec_version": "2.1",
            "id": sid("identity", {"name": name.lower(),
                                   "identity_class": "organization"}),
            "created": TIME, "modified": TIME, "name": name,
            "identity_class": "organization"}


FEED = identity("Test Feed")


def sco(kind, value, **extra):
    obj = {"type": kind, "spec_version": "2.1",
           "id": sid(kind, {"value": value}), "value": value,
           "object_marking_refs": [AMBER]}
    obj.update(extra)
    return obj


def ip(value, **extra):
    return sco("ipv6-addr" if ":" in value else "ipv4-addr", value, **extra)


def asn(number):
    return {"type": "autonomous-system", "spec_version": "2.1",
            "id": sid("autonomous-system", {"number": number}),
            "number": number, "name": f"AS{number} Hosting"}


def cert(serial, subject):
    return {"type": "x509-certificate", "spec_version": "2.1",
            "id": sid("x509-certificate", {"serial_number": serial}),
            "serial_number": serial, "subject": subject}


def indicator(observable, score=80, phishing=True):
    kind = observable["type"]
    pattern = f"[{kind}:value = '{observable['value']}']"
    obj = {"type": "indicator", "spec_version": "2.1",
           "id": sid("indicator", {"pattern": pattern}),
           "created": TIME, "modified": TIME, "name": observable["value"],
           "pattern": pattern, "pattern_type": "stix",
           "valid_from": TIME, "indicator_types": ["malicious-activity"],
           "x_opencti_score": score, "created_by_ref": FEED["id"],
           "object_marking_refs": [AMBER]}
    if phishing:
        obj["labels"] = ["phishing"]
    return obj


def rel(kind, source, target):
    return {"type": "relationship", "spec_version": "2.1",
            "id": sid("relationship", {"relationship_type": kind,
                                       "source_ref": source["id"],
                                       "target_ref": target["id"]}),
            "created": TIME, "modified": TIME, "relationship_type": kind,
            "source_ref": source["id"], "target_ref": target["id"],
            "created_by_ref": FEED["id"]}


def bundle(objects):
    return {"type": "bundle", "id": "bundle--" + str(uuid.uuid5(
        NAMESPACE, "".join(o.get("id", "?") for o in objects))),
        "objects": objects}


def problems():
    evil = sco("domain-name", "evil.example")
    evil_again = sco("domain-name", "evil.example",
                     x_opencti_labels=["seen-twice"])
    known = ip("203.0.113.10")
    missing = ip("203.0.113.20")
    lost_author = identity("Lost Author")
    orphan = indicator(sco("domain-name", "orphan.example"))
    orphan["created_by_ref"] = lost_author["id"]
    bad_ip = ip("203.0.113.999")
    no_pattern = indicator(known)
    del no_pattern["pattern"]
    no_pattern["id"] = sid("indicator", {"pattern": "none"})
    bad_ref = rel("resolves-to", evil, known)
    bad_ref["target_ref"] = "not-an-id"
    bad_ref["id"] = sid("relationship", {"relationship_type": "bad"})
    return [FEED, evil, known, rel("resolves-to", evil, known), bad_ip,
            no_pattern, evil_again, rel("resolves-to", evil, missing),
            bad_ref, orphan, sco("domain-name", "orphan.example")]


def late():
    return [ip("203.0.113.20"), identity("Lost Author")]


def export():
    low, mid, high = ip("198.51.100.1"), ip("198.51.100.2"), ip("198.51.100.3")
    for obj, score in ((low, 10), (mid, 50), (high, 90)):
        obj["x_opencti_score"] = score
        obj["x_opencti_created_by_ref"] = FEED["id"]
    dom = sco("domain-name", "scored.example", x_opencti_score=85)
    ind_high, ind_low = indicator(high, 95), indicator(low, 20)
    return [FEED, low, mid, high, dom, ind_high, ind_low,
            rel("resolves-to", dom, high), rel("resolves-to", dom, low),
            rel("based-on", ind_high, high), rel("based-on", ind_low, low),
            rel("related-to", high, mid)]


def phish(host, ips=(), registrar=None, created=None, favicon=None,
          jarm=None, certs=(), as_of=None):
    """A phishing domain with its indicator and links."""
    extra = {}
    if registrar:
        extra["x_criminalip_registrar"] = registrar
    if created:
        extra["x_criminalip_created"] = created
    if favicon:
        extra["x_criminalip_favicon_hashes"] = [favicon]
    if jarm:
        extra["x_criminalip_jarm"] = jarm
    dom = sco("domain-name", host, **extra)
    ind = indicator(dom)
    objs = [dom, ind, rel("based-on", ind, dom)]
    for value in ips:
        addr = ip(value)
        objs += [addr, rel("resolves-to", dom, addr)]
        if as_of:
            objs += [as_of, rel("belongs-to", addr, as_of)]
    for c in certs:
        objs += [c, rel("related-to", dom, c)]
    return objs


def c2(value, certs=()):
    addr = ip(value)
    ind = indicator(addr, phishing=False)
    objs = [addr, ind, rel("based-on", ind, addr)]
    for c in certs:
        objs += [c, rel("related-to", addr, c)]
    return objs


PLATFORM_JARM = "29d29d00029d29d00042d43d00041d598ac0c1012db967bb1ad0ff2491b3ae"


def clusters():
    as_shared, as_platform = asn(64500), asn(64600)
    shared_cert = cert("0a0b0c0d", "CN=c2-panel")
    webflow_cert = cert("77777777", "CN=*.webflow.io")
    objs = [FEED]
    # 1: the same registered domain.
    objs += phish("a1.evil-one.com") + phish("a2.evil-one.com")
    # 2: the same resolving IP (and its /24).
    objs += phish("shop.b-brand.net", ["198.51.100.7"])
    objs += phish("pay.b-other.org", ["198.51.100.7"])
    # Not clustered: hosting-platform sites sharing the platform's address,
    # /24, AS, registrar, week, certificate and JARM.
    for host in ("x.webflow.io", "y.webflow.io"):
        objs += phish(host, ["198.51.100.200"], "Webflow Registrar",
                      "2026-11-17T00:00:00.000Z", jarm=PLATFORM_JARM,
                      certs=[webflow_cert], as_of=as_platform)
    objs += phish("p.pages.dev") + phish("q.pages.dev")
    # 3: the same favicon on two platforms.
    objs += phish("z1.webflow.io", favicon="-6f5e4f71")
    objs += phish("z2.vercel.app", favicon="-6f5e4f71")
    # 4: the same AS, registrar and creation week, different addresses.
    objs += phish("c1-shop.com", ["203.0.113.50"], "NameCheap, Inc.",
                  "2026-11-16T08:00:00.000Z", as_of=as_shared)
    objs += phish("c2-shop.net", ["198.18.0.5"], "NameCheap, Inc.",
                  "2026-11-19T20:00:00.000Z", as_of=as_shared)
    # 5: two C2 addresses serving one certificate.
    objs += c2("100.64.1.5", [shared_cert]) + c2("100.65.2.6", [shared_cert])
    # 6: two C2 addresses in one /24.
    objs += c2("192.0.2.10") + c2("192.0.2.20")
    # Not clustered: a lone site, and a benign domain on a shared address.
    objs += phish("lone.example")
    benign = sco("domain-name", "benign.example")
    objs += [benign, rel("resolves-to", benign, ip("198.51.100.7"))]
    seen, unique = set(), []
    for obj in objs:
        if obj["id"] not in seen:
            seen.add(obj["id"])
            unique.append(obj)
    return unique


def clusters_more():
    return [FEED] + phish("a3.evil-one.com")


def foreign_id(kind, n):
    """An id that is not deterministic: UUIDv4 digits chosen by hand."""
    return f"{kind}--11111111-1111-4111-8111-{n:012d}"


def with_id(obj, new_id):
    obj = dict(obj)
    obj["id"] = new_id
    return obj


def foreign():
    dom = with_id(sco("domain-name", "foreign.example"),
                  foreign_id("domain-name", 1))
    addr = with_id(ip("203.0.113.30"), foreign_id("ipv4-addr", 2))
    addr2 = with_id(ip("203.0.113.31"), foreign_id("ipv4-addr", 3))
    asn_obj = with_id(asn(64501), foreign_id("autonomous-system", 4))
    # The same address again under its own id, with a label to merge.
    again = ip("203.0.113.30", x_opencti_labels=["seen-twice"])
    ind = with_id(indicator(ip("203.0.113.31")), foreign_id("indicator", 6))
    report = {"type": "report", "spec_version": "2.1",
              "id": foreign_id("report", 5), "created": TIME,
              "modified": TIME, "name": "Foreign ids", "published": TIME,
              "report_types": ["threat-report"],
              "object_refs": [addr2["id"], dom["id"]]}
    # The relationship and report come before the objects they name.
    return [FEED, rel("resolves-to", dom, addr), report, dom, addr, addr2,
            asn_obj, again, rel("belongs-to", addr, asn_obj), ind,
            rel("based-on", ind, addr2)]


def foreign_later():
    other = sco("domain-name", "later.example")
    link = rel("resolves-to", other, {"id": foreign_id("ipv4-addr", 2)})
    stolen = with_id(ip("203.0.113.99"), foreign_id("ipv4-addr", 2))
    swapped = with_id(ip("9.9.9.9"), ip("203.0.113.31")["id"])
    return [other, link, stolen, swapped]


# Each rejected object, with a phrase its reason must contain.
REJECTS = [
    ({"x_opencti_score": "high"}, 'x_opencti_score "high" is not an integer'),
    ({"x_opencti_score": -50}, "x_opencti_score -50 is not an integer"),
    ({"x_opencti_score": 1e308}, "is not an integer from 0 to 100"),
    ({"extensions": {"x": "y"}}, "extension name 'x'"),
    ({"value": 12345}, "value is a number, not a string"),
    ({"value": "198.51.100.9\u0000"}, "value contains a NUL byte"),
]


def rejects():
    objs = [FEED, ip("198.51.100.1")]
    for n, (change, _) in enumerate(REJECTS):
        obj = ip(f"198.51.100.{n + 10}")
        obj.update(change)
        objs.append(obj)
    malware = {"type": "malware", "spec_version": "2.1",
               "id": sid("malware", {"name": "yes-family"}),
               "created": TIME, "modified": TIME, "name": "yes-family",
               "is_family": "yes"}
    bogus = rel("bogus-type", objs[1], FEED)
    nonsense = rel("resolves-to", objs[1], FEED)
    return objs + [malware, bogus, nonsense]


SCENARIOS = {"problems": problems, "late": late, "export": export,
             "clusters": clusters, "clusters-more": clusters_more,
             "foreign": foreign, "foreign-later": foreign_later,
             "rejects": rejects}

if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in SCENARIOS:
        print(__doc__.strip(), file=sys.stderr)
        sys.exit(2)
    json.dump(bundle(SCENARIOS[sys.argv[1]]()), sys.stdout, indent=1)
    print()
