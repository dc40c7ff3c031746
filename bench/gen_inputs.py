#!/usr/bin/env python3
"""Deterministic input lists for the bulk-enrichment benchmarks.

Usage:
  gen_inputs.py ips N [SEED]      N distinct public IPv4 addresses
  gen_inputs.py domains N [SEED]  N distinct registrable domain names
  gen_inputs.py mixed [SEED]      a realistic mixed list (see mixed_list)
  gen_inputs.py followup [SEED]   a later list that repeats part of the
                                  mixed list (see followup_list)
  gen_inputs.py LIST-counts [SEED]
                                  LIST's new distinct public IPs and
                                  domains, then the distinct IPs and
                                  domains it repeats from the mixed list
  gen_inputs.py LIST-domains [SEED]
                                  LIST's new distinct domains, one a line
LIST is mixed or followup.

The same arguments always print the same list. Addresses are drawn from
the whole IPv4 space and every address inside a block of the IANA IPv4
Special-Purpose Address Registry is skipped, using the same blocks as
src/input/ipaddr.c, so that cipgraph sends every address to the API. The
benchmarks check this: they fail when cipgraph skips any generated value.
"""
import ipaddress
import random
import sys

# The blocks src/input/ipaddr.c rejects (v4_blocks), in the same order.
SPECIAL_V4 = [
    ipaddress.ip_network(block)
    for block in (
        "0.0.0.0/8",
        "10.0.0.0/8",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.0.0.0/24",
        "192.0.2.0/24",
        "192.31.196.0/24",
        "192.52.193.0/24",
        "192.88.99.0/24",
        "192.168.0.0/16",
        "192.175.48.0/24",
        "198.18.0.0/15",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/4",
        "255.255.255.255/32",
        "240.0.0.0/4",
    )
]

# Word lists for made-up domain names. cip-sim ends scans of hosts that
# start with "scanfail." or "nxdomain." or end in ".invalid" early, so no
# generated name has those forms.
FIRST_WORDS = (
    "north", "blue", "rapid", "silver", "quiet", "bright", "cloud", "stone",
    "amber", "pixel", "river", "maple", "solar", "urban", "delta", "cedar",
)
SECOND_WORDS = (
    "pay", "mail", "shop", "login", "portal", "cdn", "media", "labs",
    "data", "secure", "verify", "track", "desk", "hub", "apps", "net",
)
TLDS = ("com", "net", "org", "io", "shop", "info", "xyz", "co")


def is_special(address):
    return any(address in block for block in SPECIAL_V4)


def public_ips(count, seed):
    """Returns count distinct public IPv4 addresses as strings."""
    rng = random.Random(seed)
    seen = set()
    out = []
    while len(out) < count:
        address = ipaddress.IPv4Address(rng.getrandbits(32))
        if address in seen or is_special(address):
            continue
        seen.add(address)
        out.append(str(address))
    return out


def domains(count, seed, start=0):
    """Returns count distinct lower-case domain names, numbered from start."""
    rng = random.Random(seed)
    out = []
    for i in range(start, start + count):
        first = rng.choice(FIRST_WORDS)
        second = rng.choice(SECOND_WORDS)
        tld = rng.choice(TLDS)
        # The index keeps names distinct; the words make them look real.
        out.append(f"{first}{second}-{i:05d}.{tld}")
    return out


def defang(ip):
    return ip.replace(".", "[.]")


def mixed_list(seed):
    """Returns (lines, ips, domains, [], []): the list and its distinct
    public IPs and domains, in the shape of followup_list's result.

    The list mixes what real indicator lists contain: 200 public IPs and
    40 domains, then duplicates of both (plain, defanged, host:port,
    upper-case, with a trailing dot), private and special-purpose
    addresses, CIDR blocks, invalid lines, blank lines and comments,
    shuffled with a fixed seed.
    """
    rng = random.Random(seed)
    ips, names = mixed_values(seed)
    lines = ["# mixed benchmark list"]
    lines += ips + names
    lines += rng.sample(ips, 60)                       # plain duplicates
    lines += [defang(ip) for ip in rng.sample(ips, 40)]  # 1[.]2[.]3[.]4
    lines += [f"{ip}:443" for ip in rng.sample(ips, 10)]  # host:port
    lines += [name.upper() for name in rng.sample(names, 15)]
    lines += [name + "." for name in rng.sample(names, 5)]
    lines += [name.replace(".", "[.]") for name in rng.sample(names, 10)]
    lines += [
        "10.1.2.3", "192.168.0.10", "172.16.5.4", "127.0.0.1",
        "169.254.10.20", "100.64.1.1", "192.0.2.55", "198.51.100.7",
        "203.0.113.9", "224.0.0.251", "255.255.255.255", "0.0.0.0",
        "240.1.2.3", "198.18.3.4",
    ]
    lines += ["8.8.8.0/24", "1.1.1.0/24", "45.33.0.0/16", "10.0.0.0/8"]
    lines += [
        "not an indicator", "1.2.3", "256.1.1.1", "01.2.3.4",
        "http://", "bad!.com", "a..b.com", "0x7f.0.0.1",
    ]
    lines += ["", "   ", "# a comment line"]
    rng.shuffle(lines)
    return lines, ips, names, [], []


def mixed_values(seed):
    """Returns the distinct public IPs and domains of the mixed list."""
    return public_ips(200, seed + 1), domains(40, seed + 2)


def followup_list(seed):
    """Returns (lines, new_ips, new_domains, repeated_ips, repeated_domains).

    A list sent after the mixed list of the same seed: 80 of its IPs and
    20 of its domains again, in other forms than before (plain, defanged,
    host:port, upper-case), plus 100 new public IPs and 10 new domains
    with duplicates of their own and a few private addresses. Within the
    cache lifetime only the new values should cost credits.
    """
    rng = random.Random(seed + 10)
    old_ips, old_names = mixed_values(seed)
    seen = set(old_ips)
    new_ips = [ip for ip in public_ips(110, seed + 3) if ip not in seen][:100]
    new_names = domains(10, seed + 4, start=len(old_names))
    again_ips = rng.sample(old_ips, 80)
    again_names = rng.sample(old_names, 20)
    lines = ["# follow-up benchmark list"]
    lines += new_ips + new_names
    lines += again_ips[:40]
    lines += [defang(ip) for ip in again_ips[40:60]]
    lines += [f"{ip}:8080" for ip in again_ips[60:]]
    lines += again_names[:10]
    lines += [name.upper() for name in again_names[10:15]]
    lines += [name.replace(".", "[.]") for name in again_names[15:]]
    lines += rng.sample(new_ips, 30)
    lines += [defang(ip) for ip in rng.sample(new_ips, 10)]
    lines += ["10.20.30.40", "192.168.1.1", "127.0.0.53", "100.100.1.1"]
    lines += ["", "# a comment line"]
    rng.shuffle(lines)
    return lines, new_ips, new_names, again_ips, again_names


LISTS = {"mixed": mixed_list, "followup": followup_list}


def main(argv):
    kind = argv[1] if len(argv) > 1 else ""
    list_name, _, part = kind.partition("-")
    if kind not in ("ips", "domains") and (
            list_name not in LISTS or part not in ("", "counts", "domains")):
        sys.stderr.write(__doc__)
        return 2
    if list_name in LISTS:
        seed = int(argv[2]) if len(argv) > 2 else 7
        lines, ips, names, again_ips, again_names = LISTS[list_name](seed)
        if part == "counts":
            print(len(ips), len(names), len(again_ips), len(again_names))
            return 0
        if part == "domains":
            lines = names
    else:
        count = int(argv[2])
        seed = int(argv[3]) if len(argv) > 3 else 1
        lines = public_ips(count, seed) if kind == "ips" else domains(count, seed)
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
