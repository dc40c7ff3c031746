#!/usr/bin/env bash
# Integration test of cip-sim, the Criminal IP API simulator. It starts the
# simulator on port 0 with various switches and checks with curl: API key
# handling, reports for C2 feed addresses, response shapes, the scan state
# machine, credits, concurrency, 429 bursts, 500s, --errors-in-200,
# --null-heavy, hostile input, /_sim/stats and a clean SIGTERM exit under
# the sanitizers. Needs curl and python3; without them it prints "skipped".
set -uo pipefail
# The age checks below compare listed report dates with the real clock.
unset CIPGRAPH_NOW

source_dir=${CG_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
build_dir=${CG_BUILD_DIR:-$source_dir/build}
sim=$build_dir/cip-sim
feed_dir=$source_dir/data/c2-daily-feed
phishing_list=$source_dir/data/openphish-feed.txt

for tool in curl python3; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "skipped: $tool is not installed"
        exit 0
    fi
done
if [[ ! -x $sim ]]; then
    echo "not ok - cip-sim is not built at $sim"
    exit 1
fi

work=$(mktemp -d)
declare -A sim_pid sim_url
cleanup() {
    for name in "${!sim_pid[@]}"; do
        kill "${sim_pid[$name]}" 2>/dev/null
    done
    wait 2>/dev/null
    # CG_KEEP_WORK=1 keeps every body and log for a failed run.
    if [[ -n ${CG_KEEP_WORK:-} ]]; then
        echo "kept $work"
    else
        rm -rf "$work"
    fi
}
trap cleanup EXIT

failures=0
pass() { echo "ok - $1"; }
fail() {
    echo "not ok - $1"
    failures=$((failures + 1))
}
# expect DESCRIPTION ACTUAL EXPECTED: passes when the strings are equal.
expect() {
    if [[ $2 == "$3" ]]; then
        pass "$1"
    else
        fail "$1: got '$2', expected '$3'"
    fi
}
# expect_true DESCRIPTION COMMAND...: passes when the command succeeds.
expect_true() {
    local description=$1
    shift
    if "$@"; then
        pass "$description"
    else
        fail "$description"
    fi
}

# Value types of every key in the API's recorded and synthesized sample
# bodies: "int", "real", "str", "bool" or "null". A list contains the
# template of its rows (the keys all sample rows share), or nothing when the
# sample list was empty.
cat >"$work/templates.json" <<'JSON'
{
  "domain_report": {
    "data": {
      "certificates": [
        {
          "certificate_life": "str",
          "issuer": "str",
          "protocol": "str",
          "subject": "str",
          "valid_from": "str",
          "valid_to": "str"
        }
      ],
      "classification": {
        "dga_score": "real",
        "domain_type": [{"name": "str", "type": "str"}],
        "google_safe_browsing": []
      },
      "connected_domain_subdomain": [
        {
          "main_domain": {"domain": "str"},
          "subdomains": [{"domain": "str"}]
        }
      ],
      "connected_ip": [{"ip": "str", "score": "str"}],
      "connected_ip_info": [
        {
          "as_name": "str",
          "asn": "str",
          "cnt": "int",
          "country": "str",
          "domain_list": [{"domain": "str"}],
          "ip": "str",
          "redirect_cnt": "int",
          "score": "str"
        }
      ],
      "cookies": [],
      "detected_program": {
        "program_data_in_html_source": [],
        "program_data_with_access": []
      },
      "dns_record": {
        "dns_record_type_a": {
          "ipv4": [{"ip": "str", "score": "str"}],
          "ipv6": [{"ip": "str", "score": "str"}]
        },
        "dns_record_type_cname": [],
        "dns_record_type_mx": [["str"]],
        "dns_record_type_ns": ["str"],
        "dns_record_type_ptr": [],
        "dns_record_type_soa": []
      },
      "file_exposure": {
        "apache_status": "bool",
        "docker_registry": "bool",
        "ds_store": "bool",
        "firebase": "bool",
        "git_config": "bool",
        "json_config": "bool",
        "phpinfo": "bool",
        "vscode_sftp_json": "bool",
        "wordpress": "bool"
      },
      "frames": [{"frame_id": "str", "transfer_cnt": "int", "url": "str"}],
      "html_page_link_domains": [
        {
          "domain": "str",
          "mapped_ips": [
            {
              "as_name": "str",
              "country": "str",
              "ip": "str",
              "score": "str"
            }
          ],
          "nslookup_time": "str"
        }
      ],
      "javascript_variables": [{"variable_name": "str", "variable_type": "str"}],
      "links": [{"title": "str", "url": "str"}],
      "main_certificate": {
        "enddate": "str",
        "issuer": "str",
        "signed_algorithm": "str",
        "startdate": "str",
        "subject": "str"
      },
      "main_domain_info": {
        "changed_url": "str",
        "dns_ip_asn": "str",
        "domain_created": "str",
        "domain_registrar": "str",
        "domain_score": {
          "score": "str",
          "score_num": "real",
          "score_percentage": "int"
        },
        "favicon": [],
        "inserted_url": "str",
        "jarm": "str",
        "main_domain": "str",
        "title": "str"
      },
      "mapped_ip": [
        {
          "as_name": "str",
          "country": "str",
          "ip": "str",
          "score": "str"
        }
      ],
      "network_logs": {
        "abuse_record": {"critical": "int", "dangerous": "int"},
        "data": [
          {
            "as_name": "str",
            "as_number": "str",
            "country": "str",
            "data_size": "str",
            "frame_id": "str",
            "ip_port": "str",
            "mime_type": "str",
            "protocol": "str",
            "request": "str",
            "score": "str",
            "time": "str",
            "transfer_size": "str",
            "type": "str",
            "url": "str"
          }
        ]
      },
      "page_networking_info": {
        "connected_countries": "str",
        "cookies": "int",
        "encryption": "str",
        "https_percent": "real",
        "tls_certificate": "str",
        "transaction_count": "int",
        "transfer_traffic": "str"
      },
      "page_redirections": [
        [
          {
            "as_name": "str",
            "country_code": "str",
            "status": "int",
            "url": "str"
          }
        ]
      ],
      "report_time": "str",
      "screenshots": ["str"],
      "security_headers": [],
      "ssl": "bool",
      "ssl_detail": {
        "forward_secrecy": {
          "elliptic_curves_offered": "str",
          "finite_field_group": "str",
          "forward_secrecy": "str",
          "forward_secrecy_ciphers": "str"
        },
        "headers": {
          "cookies": "str",
          "hsts": "str",
          "security_headers": {
            "cache_control": "str",
            "pragma": "str",
            "referrer_policy": "str",
            "x_frame_options": "str",
            "x_xss_protection": "str"
          }
        },
        "protocols": {
          "deprecated_ssl_protocol_versions": {"sslv2": "str", "sslv3": "str"},
          "tls_warning": "str"
        },
        "server_defaults": {
          "chain_of_trust": [],
          "dns_caa_record": [],
          "server_key_size": [],
          "tls_session_resumption": {"id": "str", "tickets": "str"}
        },
        "vulnerable": {
          "beast": {"tls1": "str", "value": "str"},
          "breach_attacks": "str",
          "ccs_injection": "str",
          "client_initiated_ssl_renegotiation": "str",
          "crime_tls": "str",
          "drown": "str",
          "freak": "str",
          "heartbleed": "str",
          "logjam": "str",
          "lucky13": "str",
          "poodle": "str",
          "robot": "str",
          "ssl_rc4": "str",
          "ssl_renegotiation": "str",
          "sweet32": "str",
          "ticketbleed": "str",
          "tls_fallback_scsv": "str",
          "winshock": "str"
        }
      },
      "subdomains": [{"subdomain_name": "str"}],
      "summary": {
        "abuse_record": {"critical": "int", "dangerous": "int"},
        "connect_to_ip_directly": "int",
        "cred_input": "str",
        "dga_score": "real",
        "diff_domain_favicon": "str",
        "fake_domain": "bool",
        "fake_https_url": "bool",
        "fake_ssl": {"category": "str", "invalid": "bool"},
        "hidden_element": "int",
        "hidden_iframe": "int",
        "iframe": "int",
        "js_obfuscated": "int",
        "list_of_countries": ["str"],
        "mail_server": "bool",
        "mitm_attack": "bool",
        "newborn_domain": "str",
        "overlong_domain": "bool",
        "phishing_record": "int",
        "punycode": "bool",
        "redirection_diff_asn": "int",
        "redirection_diff_country": "int",
        "redirection_diff_domain": "int",
        "redirection_onclick": "str",
        "sfh": "str",
        "spf1": "str",
        "suspicious_cookie": "bool",
        "suspicious_element": "int",
        "suspicious_file": "int",
        "symbol_url": "bool",
        "url_phishing_prob": "real",
        "web_traffic": "str"
      },
      "technologies": [
        {
          "categories": ["str"],
          "name": "str",
          "version": "null",
          "vulner": []
        }
      ]
    },
    "message": "str",
    "status": "int"
  },
  "domain_reports": {
    "data": {
      "count": "int",
      "reports": [
        {
          "countries": ["str"],
          "reg_dtime": "str",
          "scan_id": "int",
          "title": "str",
          "url": "str"
        }
      ]
    },
    "message": "str",
    "status": "int"
  },
  "domain_scan": {
    "data": {"query": "str", "scan_id": "int"},
    "message": "str",
    "status": "int"
  },
  "domain_status": {
    "data": {"scan_percentage": "int"},
    "message": "str",
    "status": "int"
  },
  "error": {"message": "str", "status": "int"},
  "ip_report": {
    "anonymous_vpn": {
      "count": "int",
      "data": [
        {
          "confirmed_time": "str",
          "socket_type": "str",
          "vpn_name": "str",
          "vpn_source_url": "str",
          "vpn_url": "str"
        }
      ]
    },
    "domain": {
      "count": "int",
      "data": [
        {
          "confirmed_time": "str",
          "create_date": "str",
          "domain": "str",
          "email": "str",
          "ip_type": "str",
          "registrar": "str"
        }
      ]
    },
    "honeypot": {
      "count": "int",
      "data": [
        {
          "confirmed_time": "str",
          "dst_port": "int",
          "ip_address": "str",
          "log_date": "str",
          "message": "str",
          "protocol_type": "str",
          "user_agent": "str"
        }
      ]
    },
    "hostname": {
      "count": "int",
      "data": [
        {
          "confirmed_time": "str",
          "domain_name_full": "str",
          "domain_name_rep": "str"
        }
      ]
    },
    "ids": {
      "count": "int",
      "data": [
        {
          "classification": "str",
          "confirmed_time": "str",
          "message": "str",
          "source_system": "str",
          "url": "str"
        }
      ]
    },
    "ip": "str",
    "ip_category": {
      "count": "int",
      "data": [
        {
          "confirmed_time": "str",
          "detect_info": {},
          "detect_source": "str",
          "type": "str"
        }
      ]
    },
    "issues": {
      "is_anonymous_vpn": "bool",
      "is_cloud": "bool",
      "is_darkweb": "bool",
      "is_hosting": "bool",
      "is_mobile": "bool",
      "is_proxy": "bool",
      "is_scanner": "bool",
      "is_snort": "bool",
      "is_tor": "bool",
      "is_vpn": "bool"
    },
    "mobile": {
      "count": "int",
      "data": [{"broadband": "str", "organization": "str"}]
    },
    "port": {
      "count": "int",
      "data": [
        {
          "app_name": "str",
          "app_version": "str",
          "banner": "str",
          "confirmed_time": "str",
          "dns_names": "str",
          "is_vulnerability": "bool",
          "jarm_hash": "str",
          "open_port_no": "int",
          "port_status": "str",
          "protocol": "str",
          "sdn_common_name": "str",
          "socket": "str",
          "ssl_info_raw": "str",
          "tags": ["str"],
          "technologies": [
            {
              "tech_logo_url": "str",
              "tech_name": "str",
              "tech_version": "str"
            }
          ]
        }
      ]
    },
    "protected_ip": {
      "count": "int",
      "data": [{"confirmed_time": "str", "ip_address": "str"}]
    },
    "score": {"inbound": "str", "outbound": "str"},
    "status": "int",
    "user_search_count": "int",
    "vpn": {
      "count": "int",
      "data": [
        {
          "confirmed_time": "str",
          "socket_type": "str",
          "vpn_name": "str",
          "vpn_source_url": "str",
          "vpn_url": "str"
        }
      ]
    },
    "vulnerability": {
      "count": "int",
      "data": [
        {
          "app_name": "str",
          "app_version": "str",
          "cve_description": "str",
          "cve_id": "str",
          "cvssv2_score": "real",
          "cvssv2_vector": "str",
          "cvssv3_score": "real",
          "cvssv3_vector": "str",
          "edition": "str",
          "have_more_ports": "bool",
          "is_vuln": "str",
          "list_child": [
            {
              "app_name": "str",
              "app_version": "str",
              "edition": "str",
              "is_vuln": "str",
              "target_hw": "str",
              "target_sw": "str",
              "type": "str",
              "update": "str",
              "vendor": "str"
            }
          ],
          "list_cwe": [
            {
              "cve_id": "str",
              "cwe_description": "str",
              "cwe_id": "int",
              "cwe_name": "str"
            }
          ],
          "list_edb": [
            {
              "confirmed_time": "str",
              "cve_id": "str",
              "edb_id": "int",
              "platform": "str",
              "title": "str",
              "type": "str",
              "verify_code": "int"
            }
          ],
          "open_port_no": [{"port": "int", "socket": "str"}],
          "open_port_no_list": {"TCP": ["int"], "UDP": []},
          "target_hw": "str",
          "target_sw": "str",
          "type": "str",
          "update": "str",
          "vendor": "str"
        }
      ]
    },
    "webcam": {
      "count": "int",
      "data": [
        {
          "cam_url": "str",
          "city": "str",
          "confirmed_time": "str",
          "country": "str",
          "image_path": "str",
          "manufacturer": "str",
          "open_port_no": "int"
        }
      ]
    },
    "whois": {
      "count": "int",
      "data": [
        {
          "as_name": "str",
          "as_no": "int",
          "city": "str",
          "confirmed_time": "str",
          "latitude": "real",
          "longitude": "real",
          "org_country_code": "str",
          "org_name": "str",
          "postal_code": "str",
          "region": "str"
        }
      ]
    }
  },
  "lite_progress": {
    "data": {"scan_percentage": "int"},
    "message": "str",
    "status": "int"
  },
  "lite_report": {
    "data": {
      "classification": {"dga_score": "real", "domain_type": ["str"]},
      "dns_record": {
        "dns_record_type_a": {"ipv4": ["str"], "ipv6": []},
        "dns_record_type_cname": [],
        "dns_record_type_mx": [["str"]],
        "dns_record_type_ns": ["str"],
        "dns_record_type_ptr": [],
        "dns_record_type_soa": []
      },
      "domain_score": "str",
      "main_domain_info": {
        "changed_url": "str",
        "domain_created": "str",
        "domain_registrar": "str",
        "inserted_url": "str",
        "main_domain": "str"
      },
      "mapped_ip": [
        {
          "as_name": "str",
          "country": "str",
          "ip": "str",
          "score": "str"
        }
      ],
      "real_ip": [],
      "summary": {
        "abuse_record": {"critical": "int", "dangerous": "int", "moderate": "int"},
        "dga_score": "real",
        "fake_https_url": "bool",
        "mail_server": "bool",
        "overlong_domain": "bool",
        "punycode": "bool",
        "real_ip": "int",
        "symbol_url": "bool",
        "url_phishing_prob": "real"
      }
    },
    "message": "str",
    "status": "int"
  },
  "lite_scan": {
    "data": {"query": "str", "scan_id": "str"},
    "message": "str",
    "status": "int"
  },
  "malicious_info": {
    "can_remote_access": "bool",
    "current_opened_port": {
      "count": "int",
      "data": [
        {
          "confirmed_time": "str",
          "has_vulnerability": "bool",
          "port": "int",
          "product_name": "str",
          "product_version": "str",
          "protocol": "str",
          "socket_type": "str"
        }
      ]
    },
    "ids": {
      "count": "int",
      "data": [
        {
          "classification": "str",
          "confirmed_time": "str",
          "message": "str",
          "source_system": "str",
          "url": "str"
        }
      ]
    },
    "ip": "str",
    "ip_category": {
      "count": "int",
      "data": [
        {
          "confirmed_time": "str",
          "detect_info": {},
          "detect_source": "str",
          "type": "str"
        }
      ]
    },
    "is_anonymous_vpn": "bool",
    "is_malicious": "bool",
    "is_vpn": "bool",
    "remote_port": {
      "count": "int",
      "data": [{"confirmed_time": "str", "port": "int", "socket_type": "str"}]
    },
    "scanning_record": {
      "count": "int",
      "data": [{"classification": "str", "count": "int"}]
    },
    "status": "int",
    "vulnerability": {"count": "int", "data": []},
    "webcam": {"count": "int", "data": []}
  },
  "quick_hash_view": {
    "data": {
      "call_count": "int",
      "domain": "str",
      "reg_dtime": "str",
      "result": "str",
      "type": "str"
    },
    "message": "str",
    "status": "int"
  },
  "suspicious_info": {
    "abuse_record_count": "int",
    "current_opened_port": {
      "count": "int",
      "data": [
        {
          "confirmed_time": "str",
          "is_vulnerability": "bool",
          "port": "int",
          "product_name": "str",
          "product_version": "str",
          "protocol": "str",
          "socket_type": "str",
          "tags": ["str"]
        }
      ]
    },
    "ids": {"count": "int", "data": []},
    "ip": "str",
    "issues": {
      "is_cloud": "bool",
      "is_darkweb": "bool",
      "is_hosting": "bool",
      "is_mobile": "bool",
      "is_proxy": "bool",
      "is_scanner": "bool",
      "is_snort": "bool",
      "is_tor": "bool",
      "is_vpn": "bool"
    },
    "representative_domain": "str",
    "score": {"inbound": "str", "outbound": "str"},
    "status": "int",
    "whois": {
      "count": "int",
      "data": [
        {
          "as_name": "str",
          "as_no": "int",
          "city": "str",
          "confirmed_time": "str",
          "latitude": "real",
          "longitude": "real",
          "org_country_code": "str",
          "org_name": "str",
          "postal_code": "null",
          "region": "str"
        }
      ]
    }
  },
  "user_me": {
    "data": {
      "account_type": "str",
      "api_key": "str",
      "email": "str",
      "last_access_date": "str",
      "max_search": "int",
      "membership_date": "str",
      "name": "str"
    },
    "message": "str",
    "status": "int"
  }
}
JSON

cat >"$work/checker.py" <<'PY'
"""Helpers for test_sim.sh: shape comparison against the API's sample
shapes, JSON field access, C2 feed lookups and parallel requests."""
import csv
import glob
import json
import os
import sys
import threading
import time
import urllib.error
import urllib.request

TEMPLATES = json.load(open(os.path.join(os.path.dirname(__file__),
                                        'templates.json')))


def kind(value):
    if value is None:
        return 'null'
    if isinstance(value, bool):
        return 'bool'
    if isinstance(value, int):
        return 'int'
    if isinstance(value, float):
        return 'real'
    if isinstance(value, str):
        return 'str'
    return 'list' if isinstance(value, list) else 'object'


def compare(template, got, path, problems):
    """Reports every template key missing from got and every type that
    differs. null is accepted anywhere because the API sends it for any
    scalar; an int is accepted where the sample has a real."""
    if got is None or template == 'null':
        return
    if isinstance(template, dict):
        if not isinstance(got, dict):
            problems.append('%s: %s instead of an object' % (path, kind(got)))
            return
        for key, sub in template.items():
            if key not in got:
                problems.append('%s.%s: missing' % (path, key))
            else:
                compare(sub, got[key], path + '.' + key, problems)
    elif isinstance(template, list):
        if not isinstance(got, list):
            problems.append('%s: %s instead of a list' % (path, kind(got)))
            return
        if template:
            for i, item in enumerate(got):
                compare(template[0], item, '%s[%d]' % (path, i), problems)
    elif kind(got) != template and not (template == 'real' and
                                        kind(got) == 'int'):
        problems.append('%s: %s instead of %s' % (path, kind(got), template))


def shape(name, *files):
    problems = []
    for name_of_file in files:
        compare(TEMPLATES[name], json.load(open(name_of_file)),
                os.path.basename(name_of_file), problems)
    for problem in problems[:20]:
        print(problem)
    return 1 if problems else 0


def field(file_name, path):
    """Prints the value at a dotted path such as data.reports.0.scan_id."""
    value = json.load(open(file_name))
    for part in path.split('.'):
        if isinstance(value, list):
            value = value[int(part)] if int(part) < len(value) else None
        elif isinstance(value, dict):
            value = value.get(part)
        else:
            value = None
    print(value if isinstance(value, str) else json.dumps(value))
    return 0


def null_share(file_name):
    """Prints the percentage of null scalars below the envelope."""
    counts = {'null': 0, 'all': 0}

    def walk(value, depth):
        if isinstance(value, dict):
            for key, sub in value.items():
                if depth == 0 and key in ('status', 'message'):
                    continue
                walk(sub, depth + 1)
        elif isinstance(value, list):
            for sub in value:
                walk(sub, depth + 1)
        else:
            counts['all'] += 1
            counts['null'] += value is None
    walk(json.load(open(file_name)), 0)
    print(100 * counts['null'] // max(counts['all'], 1))
    return 0


def feed_rows(feed_dir):
    """Returns the newest row per address: address -> (time, row)."""
    newest = {}
    for path in sorted(glob.glob(os.path.join(feed_dir, '*.csv'))):
        with open(path) as handle:
            for row in csv.DictReader(handle):
                key = row['IP']
                if key not in newest or row['Scan Time'] >= newest[key][0]:
                    newest[key] = (row['Scan Time'], row)
    return newest


def feed(feed_dir, address):
    """Prints inbound, outbound, country, port and framework of the newest
    feed row for an address."""
    row = feed_rows(feed_dir)[address][1]
    inbound, outbound = row['Score(Inbound/Outbound)'].split('/')
    print(inbound, outbound, row['Country'], row['OpenPorts'],
          row['Target C2'])
    return 0


def feed_sample(feed_dir, count):
    """Prints addresses listed on several days first, then others."""
    seen = {}
    for path in sorted(glob.glob(os.path.join(feed_dir, '*.csv'))):
        with open(path) as handle:
            for row in csv.DictReader(handle):
                seen[row['IP']] = seen.get(row['IP'], 0) + 1
    ordered = sorted(seen, key=lambda a: (-seen[a], a))
    print(' '.join(ordered[:int(count)]))
    return 0


def parallel(url, key, count):
    """Sends count requests at once; prints the sorted HTTP statuses, the
    messages of the failed ones and the elapsed milliseconds."""
    statuses, messages = [], []
    lock = threading.Lock()

    def one():
        request = urllib.request.Request(url, headers={'x-api-key': key})
        try:
            response = urllib.request.urlopen(request, timeout=30)
            status, body = response.status, json.load(response)
        except urllib.error.HTTPError as error:
            status, body = error.code, json.load(error)
        with lock:
            statuses.append(status)
            if status != 200:
                messages.append(body.get('message', ''))
    threads = [threading.Thread(target=one) for _ in range(int(count))]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = int((time.monotonic() - start) * 1000)
    print(' '.join(str(s) for s in sorted(statuses)))
    print('|'.join(sorted(set(messages))))
    print(elapsed)
    return 0


if __name__ == '__main__':
    command = {'shape': shape, 'field': field, 'null_share': null_share,
               'feed': feed, 'feed_sample': feed_sample,
               'parallel': parallel}[sys.argv[1]]
    sys.exit(command(*sys.argv[2:]))
PY

checker=$work/checker.py
helper() { python3 "$checker" "$@"; }

# start_sim NAME [OPTION...]: starts a simulator with the bundled data and
# waits for the base URL on the first line of its stdout.
start_sim() {
    local name=$1
    shift
    "$sim" --data "$feed_dir" --phish "$phishing_list" "$@" \
        >"$work/$name.out" 2>"$work/$name.err" &
    sim_pid[$name]=$!
    for _ in $(seq 100); do
        if [[ -s $work/$name.out ]]; then
            sim_url[$name]=$(head -n 1 "$work/$name.out")
            return 0
        fi
        if ! kill -0 "${sim_pid[$name]}" 2>/dev/null; then
            break
        fi
        sleep 0.1
    done
    fail "simulator $name did not print its URL: $(cat "$work/$name.err")"
    return 1
}

# request NAME KEY METHOD PATH [CURL-OPTION...]: sends one request, stores
# the body in $work/body.json and prints the HTTP status.
request() {
    local name=$1 key=$2 method=$3 path=$4
    shift 4
    local key_header=()
    if [[ $key != "-" ]]; then
        key_header=(-H "x-api-key: $key")
    fi
    curl -s -o "$work/body.json" -w '%{http_code}' -X "$method" \
        "${key_header[@]}" "$@" "${sim_url[$name]}$path"
}

body() { helper field "$work/body.json" "$1"; }

# stop_sim NAME: sends SIGTERM and checks a clean exit without sanitizer
# reports.
stop_sim() {
    local name=$1 status
    kill -TERM "${sim_pid[$name]}"
    wait "${sim_pid[$name]}"
    status=$?
    unset "sim_pid[$name]"
    expect "$name: exits 0 on SIGTERM" "$status" 0
    if grep -Eq 'AddressSanitizer|LeakSanitizer|runtime error' \
        "$work/$name.err"; then
        fail "$name: sanitizer report: $(grep -Em3 \
            'AddressSanitizer|LeakSanitizer|runtime error' "$work/$name.err")"
    else
        pass "$name: no sanitizer report"
    fi
}

key=sim-test-key-4821

# --- start-up ---------------------------------------------------------------
start_sim main --key "$key" --verbose || exit 1
url=${sim_url[main]}
expect_true "start-up: URL is the first stdout line" \
    grep -Eq '^http://127\.0\.0\.1:[0-9]+$' <<<"$url"

status=$("$sim" --host 0.0.0.0 --data "$feed_dir" \
    --phish "$phishing_list" >/dev/null 2>"$work/host.err"; echo $?)
expect "start-up: non-loopback --host exits 2" "$status" 2
expect_true "start-up: non-loopback --host names the problem" \
    grep -q 'not a loopback address' "$work/host.err"
status=$("$sim" --data "$work/missing" >/dev/null 2>"$work/data.err"; echo $?)
expect "start-up: missing --data folder exits 1" "$status" 1
expect_true "start-up: missing --data folder is named" \
    grep -q "$work/missing" "$work/data.err"

# --- API key ----------------------------------------------------------------
ip_path="/v1/asset/ip/report?ip=8.8.8.8&full=true"
expect "key: missing key is HTTP 401" "$(request main - GET "$ip_path")" 401
expect "key: missing key message" "$(body message)" "invalid api key"
expect "key: missing key body status" "$(body status)" 401
expect "key: wrong key is HTTP 401" \
    "$(request main wrong-key GET "$ip_path")" 401
expect "key: empty key is HTTP 401" \
    "$(request main - GET "$ip_path" -H 'x-api-key;')" 401
expect "key: right key is HTTP 200" "$(request main "$key" GET "$ip_path")" \
    200
expect "key: success body status" "$(body status)" 200

# --- IP reports for C2 feed addresses ---------------------------------------
for address in $(helper feed_sample "$feed_dir" 6); do
    read -r inbound outbound country port framework \
        <<<"$(helper feed "$feed_dir" "$address")"
    request main "$key" GET "/v1/asset/ip/report?ip=$address&full=true" \
        >/dev/null
    expect "feed $address: inbound score" "$(body score.inbound)" "$inbound"
    expect "feed $address: outbound score" "$(body score.outbound)" \
        "$outbound"
    expect "feed $address: lower-case country" \
        "$(body whois.data.0.org_country_code)" "${country,,}"
    expect_true "feed $address: port $port tagged $framework" python3 -c "
import json, sys
d = json.load(open('$work/body.json'))
sys.exit(not any(p['open_port_no'] == $port and '$framework' in p['tags']
                 for p in d['port']['data']))"
    expect_true "feed $address: C2 ip_category row" python3 -c "
import json, sys
d = json.load(open('$work/body.json'))
sys.exit(not any(c['type'] == 'C2' for c in d['ip_category']['data']))"
done

# --- shapes of the IP endpoints ---------------------------------------------
ips="1.1.1.1 8.8.8.8 88.198.10.20 104.16.5.5 73.22.33.44 218.92.0.10
    49.40.1.2 45.77.1.1 172.104.5.6 150.136.90.238 126.1.2.3 114.24.9.9"
shape_files=()
i=0
for address in $ips; do
    i=$((i + 1))
    request main "$key" GET "/v1/asset/ip/report?ip=$address&full=true" \
        >/dev/null
    cp "$work/body.json" "$work/report_$i.json"
    request main "$key" GET "/v1/feature/ip/malicious-info?ip=$address" \
        >/dev/null
    cp "$work/body.json" "$work/malicious_$i.json"
    request main "$key" GET "/v2/feature/ip/suspicious-info?ip=$address" \
        >/dev/null
    cp "$work/body.json" "$work/suspicious_$i.json"
done
expect_true "shape: ip report" helper shape ip_report "$work"/report_*.json
expect_true "shape: malicious-info" helper shape malicious_info \
    "$work"/malicious_*.json
expect_true "shape: suspicious-info" helper shape suspicious_info \
    "$work"/suspicious_*.json
request main "$key" POST /v1/user/me >/dev/null
expect_true "shape: user/me" helper shape user_me "$work/body.json"
expect_true "user/me: the key is not echoed" \
    bash -c "! grep -qF '$key' '$work/body.json'"

request main "$key" GET "/v1/asset/ip/report?ip=104.16.5.5&full=false" \
    >/dev/null
expect_true "ip report: full=false caps rows below count" python3 -c "
import json, sys
d = json.load(open('$work/body.json'))
sys.exit(not (d['domain']['count'] > len(d['domain']['data']) and
              len(d['domain']['data']) <= 20))"

request main "$key" GET "/v1/asset/ip/report?ip=88.198.10.20" >/dev/null
cp "$work/body.json" "$work/first.json"
request main "$key" GET "/v1/asset/ip/report?ip=88.198.10.20" >/dev/null
expect_true "ip report: same address, same body" \
    cmp -s "$work/first.json" "$work/body.json"

for bad in garbage 1.2.3 1.2.3.4.5 256.1.1.1 '1.2.3.4%00x' '1.2.3.0/24' \
    '2606:4700::1111' ''; do
    expect "ip report: '$bad' is HTTP 400" \
        "$(request main "$key" GET "/v1/asset/ip/report?ip=$bad")" 400
    expect "ip report: '$bad' message" "$(body message)" \
        "Invalid IP Address."
done

# --- full scan state machine ------------------------------------------------
expect "scan: form POST is HTTP 200" "$(request main "$key" POST \
    /v1/domain/scan --data-urlencode query=example.org)" 200
expect "scan: query echoed with a scheme" "$(body data.query)" \
    "http://example.org"
cp "$work/body.json" "$work/scan.json"
scan_id=$(body data.scan_id)
expect_true "scan: scan_id is an integer" grep -Eq '^[0-9]+$' <<<"$scan_id"
expect_true "shape: domain scan" helper shape domain_scan "$work/scan.json"
expect "scan: second POST while running is HTTP 400" "$(request main \
    "$key" POST /v1/domain/scan --data-urlencode query=example.org)" 400
expect "scan: second POST message" "$(body message)" \
    "We are still scanning for your previous request. Please wait."
request main "$key" GET "/v2/domain/report/$scan_id" >/dev/null
expect "scan: report before completion has empty data" "$(body data)" "{}"
previous=0
for poll in 1 2 3; do
    request main "$key" GET "/v1/domain/status/$scan_id" >/dev/null
    percentage=$(body data.scan_percentage)
    expect_true "scan: poll $poll grows ($previous -> $percentage)" \
        test "$percentage" -gt "$previous" -a "$percentage" -lt 100
    previous=$percentage
done
expect_true "shape: domain status" helper shape domain_status \
    "$work/body.json"
request main "$key" GET "/v1/domain/status/$scan_id" >/dev/null
expect "scan: fourth poll reaches 100" "$(body data.scan_percentage)" 100
expect "scan: report after completion is HTTP 200" \
    "$(request main "$key" GET "/v2/domain/report/$scan_id")" 200
expect_true "shape: v2 report" helper shape domain_report "$work/body.json"
expect "scan: new POST after completion is accepted" "$(request main \
    "$key" POST /v1/domain/scan --data-urlencode query=example.org)" 200
request main "$key" GET "/v1/domain/reports?query=example.org&offset=0" \
    >/dev/null
expect_true "shape: report listing" helper shape domain_reports \
    "$work/body.json"
expect "listing: the finished scan is listed first" \
    "$(body data.reports.0.scan_id)" "$scan_id"

expect "v1 report: HTTP 200" \
    "$(request main "$key" GET "/v1/domain/report/$scan_id")" 200
expect_true "v1 report: 2022 shape" python3 -c "
import json, sys
d = json.load(open('$work/body.json'))['data']
sys.exit(not (isinstance(d['network_logs'], list)
              and isinstance(d['ssl'], dict)
              and 'domain_score_new' in d
              and 'file_exposure' not in d and 'report_time' not in d
              and 'connected_ip' not in d
              and 'moderate' in d['summary']['abuse_record']))"

multipart_status=$(request main "$key" POST /v1/domain/scan \
    -F query=multipart.example.net)
expect "scan: multipart POST is HTTP 200" "$multipart_status" 200
expect "scan: multipart query echoed" "$(body data.query)" \
    "http://multipart.example.net"
expect "scan: JSON POST is HTTP 200" "$(request main "$key" POST \
    /v1/domain/scan -H 'Content-Type: application/json' \
    -d '{"query": "https://json.example.net/login"}')" 200
expect "scan: JSON query echoed" "$(body data.query)" \
    "https://json.example.net/login"

# poll_to_end QUERY: scans QUERY and prints the last scan_percentage.
poll_to_end() {
    request main "$key" POST /v1/domain/scan --data-urlencode "query=$1" \
        >/dev/null
    local id
    id=$(body data.scan_id)
    for _ in 1 2 3 4 5; do
        request main "$key" GET "/v1/domain/status/$id" >/dev/null
    done
    body data.scan_percentage
}
expect "scan: scanfail. host ends at -1" \
    "$(poll_to_end scanfail.example.com)" -1
expect "scan: nxdomain. host ends at -2" \
    "$(poll_to_end nxdomain.example.com)" -2
expect "scan: .invalid host ends at -2" "$(poll_to_end shop.invalid)" -2
expect "scan: unknown id is HTTP 404" \
    "$(request main "$key" GET /v1/domain/status/987654321987)" 404
expect "scan: unknown id message" "$(body message)" "Scan ID not found."
expect "scan: unknown report id is HTTP 404" \
    "$(request main "$key" GET /v2/domain/report/12)" 404
expect "scan: missing query is HTTP 400" \
    "$(request main "$key" POST /v1/domain/scan -d '')" 400
expect "scan: invalid query is HTTP 400" "$(request main "$key" POST \
    /v1/domain/scan --data-urlencode 'query=ftp://x.example')" 400

# Reports from before this run: about half of all queries have one, 1 to
# 20 days old.
old=0
for n in $(seq 1 12); do
    request main "$key" GET "/v1/domain/reports?query=site$n.example.com" \
        >/dev/null
    if [[ $(body data.count) == 1 ]]; then
        old=$((old + 1))
        old_id=$(body data.reports.0.scan_id)
        old_time=$(body data.reports.0.reg_dtime)
    fi
done
expect_true "listing: some but not all queries have an older report ($old)" \
    test "$old" -gt 0 -a "$old" -lt 12
expect_true "listing: older report is 1-20 days old" python3 -c "
import datetime, sys
utc = datetime.timezone.utc
listed = datetime.datetime.strptime('$old_time', '%Y-%m-%d %H:%M:%S')
age = datetime.datetime.now(utc) - listed.replace(tzinfo=utc)
sys.exit(not datetime.timedelta(days=1) <= age <= datetime.timedelta(days=21))"
expect "listing: older report can be fetched" \
    "$(request main "$key" GET "/v2/domain/report/$old_id")" 200

phishing_url=$(head -n 1 "$phishing_list")
request main "$key" POST /v1/domain/scan \
    --data-urlencode "query=$phishing_url" >/dev/null
phish_id=$(body data.scan_id)
for _ in 1 2 3 4; do
    request main "$key" GET "/v1/domain/status/$phish_id" >/dev/null
done
request main "$key" GET "/v2/domain/report/$phish_id" >/dev/null
expect_true "phishing: url_phishing_prob is 50 or more" python3 -c "
import json, sys
s = json.load(open('$work/body.json'))['data']['summary']
sys.exit(not (s['url_phishing_prob'] >= 50 and s['phishing_record'] >= 1
              and s['cred_input'] == 'Suspicious'))"
request main "$key" GET "/v2/domain/report/$scan_id" >/dev/null
expect_true "plain domain: url_phishing_prob below 20" python3 -c "
import json, sys
s = json.load(open('$work/body.json'))['data']['summary']
sys.exit(not s['url_phishing_prob'] < 20)"

# --- lite scan and quick view -----------------------------------------------
request main "$key" GET "/v1/domain/lite/scan?query=lite.example.com" \
    >/dev/null
expect_true "shape: lite scan" helper shape lite_scan "$work/body.json"
lite_id=$(body data.scan_id)
expect_true "lite: 32-hex scan_id" grep -Eq '^[0-9a-f]{32}$' <<<"$lite_id"
for _ in 1 2 3 4; do
    request main "$key" GET "/v1/domain/lite/progress?scan_id=$lite_id" \
        >/dev/null
done
expect_true "shape: lite progress" helper shape lite_progress \
    "$work/body.json"
expect "lite: progress reaches 100" "$(body data.scan_percentage)" 100
request main "$key" GET "/v1/domain/lite/report/$lite_id" >/dev/null
expect_true "shape: lite report" helper shape lite_report "$work/body.json"
request main "$key" GET "/v1/domain/quick/hash/view?domain=example.com" \
    >/dev/null
expect_true "shape: quick hash view" helper shape quick_hash_view \
    "$work/body.json"

# --- hostile input ----------------------------------------------------------
big_value=$(head -c 20000 /dev/zero | tr '\0' 'a')
expect "hostile: 20 KB query string is HTTP 400" \
    "$(request main "$key" GET "/v1/asset/ip/report?ip=$big_value")" 400
# A 300 KB URL does not fit on a command line, so send it from Python.
status=$(python3 - "$url" <<'PY'
import sys, urllib.error, urllib.request
try:
    urllib.request.urlopen(sys.argv[1] + '/v1/asset/ip/report?ip=' +
                           'a' * 300000, timeout=10)
    print(200)
except urllib.error.HTTPError as error:
    print(error.code)
except OSError:
    print(0)
PY
)
expect_true "hostile: 300 KB query string is rejected ($status)" \
    test "$status" -ge 400 -a "$status" -lt 500
head -c 100000 /dev/zero | tr '\0' 'q' >"$work/big_body"
expect "hostile: 100 KB body is HTTP 400" "$(request main "$key" POST \
    /v1/domain/scan --data-binary "@$work/big_body")" 400
expect "hostile: invalid JSON body is HTTP 400" "$(request main "$key" POST \
    /v1/domain/scan -H 'Content-Type: application/json' -d '{"query":')" 400
expect "hostile: deeply nested JSON body is HTTP 400" "$(request main \
    "$key" POST /v1/domain/scan -H 'Content-Type: application/json' \
    -d "$(printf '[%.0s' $(seq 200))")" 400
expect "hostile: broken multipart body is HTTP 400" "$(request main \
    "$key" POST /v1/domain/scan \
    -H 'Content-Type: multipart/form-data; boundary=xyz' -d 'garbage')" 400
expect "hostile: bad percent-encoding is HTTP 400" "$(request main "$key" \
    POST /v1/domain/scan -d 'query=%zz')" 400
expect "hostile: unknown path is HTTP 404" \
    "$(request main "$key" GET /v1/no/such/endpoint)" 404
expect "hostile: unknown path body is JSON" "$(body status)" 404
expect "hostile: wrong method is HTTP 405" \
    "$(request main "$key" GET /v1/domain/scan)" 405
expect "hostile: control bytes in the path are HTTP 404" \
    "$(request main "$key" GET '/v1/%0a%1b%ff/report')" 404
python3 - "${url#http://}" <<'PY'
import socket, sys
host, port = sys.argv[1].rsplit(':', 1)
for payload in (b'GARBAGE\r\n\r\n', b'GET / HTTP/1.1\r\nHost: x\r\n' +
                b'X-Long: ' + b'a' * 400000 + b'\r\n\r\n',
                b'POST /v1/domain/scan HTTP/1.1\r\nHost: x\r\n' +
                b'Content-Length: 10\r\n\r\nabc'):
    with socket.create_connection((host, int(port)), timeout=5) as s:
        try:
            s.sendall(payload)
            s.shutdown(socket.SHUT_WR)
            s.recv(4096)
        except OSError:
            pass
PY
expect "hostile: server still answers" \
    "$(request main - GET /_sim/stats)" 200

# --- /_sim/stats and /_sim/reset --------------------------------------------
expect "stats: reset is HTTP 200" "$(request main - POST /_sim/reset)" 200
request main "$key" GET "/v1/asset/ip/report?ip=1.1.1.1" >/dev/null
request main "$key" GET "/v1/asset/ip/report?ip=1.1.1.2" >/dev/null
request main "$key" POST /v1/user/me >/dev/null
request main wrong-key POST /v1/user/me >/dev/null
request main - GET /_sim/stats >/dev/null
expect "stats: ip_report count" "$(body ip_report)" 2
expect "stats: user_me count" "$(body user_me)" 2
expect "stats: total" "$(body total)" 4
expect "stats: credits_used" "$(body credits_used)" 2
expect "stats: invalid_key refusals" "$(body refused.invalid_key)" 1
expect_true "stats: max_in_flight is at least 1" \
    test "$(body max_in_flight)" -ge 1
expect_true "logs: the API key never appears" \
    bash -c "! grep -qF '$key' '$work/main.out' '$work/main.err'"
stop_sim main

# --- default data paths -----------------------------------------------------
(cd "$source_dir" && exec "$sim") >"$work/defaults.out" \
    2>"$work/defaults.err" &
sim_pid[defaults]=$!
for _ in $(seq 100); do
    [[ -s $work/defaults.out ]] && break
    sleep 0.1
done
sim_url[defaults]=$(head -n 1 "$work/defaults.out")
request defaults any-key GET "/v1/asset/ip/report?ip=150.136.90.238" \
    >/dev/null
expect "defaults: finds the bundled feed from the source folder" \
    "$(body score.inbound)" Critical
stop_sim defaults

# --- credits ----------------------------------------------------------------
start_sim credits --credits 3
for n in 1 2 3; do
    expect "credits: call $n of 3 is HTTP 200" \
        "$(request credits k GET "/v1/asset/ip/report?ip=8.8.4.$n")" 200
done
expect "credits: call 4 is HTTP 403" \
    "$(request credits k GET "/v1/asset/ip/report?ip=8.8.4.4")" 403
expect "credits: limit message" "$(body message)" "limit exceeded"
expect "credits: user/me costs nothing" \
    "$(request credits k POST /v1/user/me)" 200
expect "credits: user/me remaining_credits" "$(body data.remaining_credits)" 0
expect "credits: raise the limit" "$(request credits - POST /_sim/config \
    -d '{"credits": 5}')" 200
expect "credits: config answer shows the limit" "$(body credits)" 5
expect "credits: call after raising is HTTP 200" \
    "$(request credits k GET "/v1/asset/ip/report?ip=8.8.4.4")" 200
expect "credits: invalid config is HTTP 400" "$(request credits - POST \
    /_sim/config -d '{"credits": "many"}')" 400
expect "credits: unknown setting is HTTP 400" "$(request credits - POST \
    /_sim/config -d '{"no_such_switch": 1}')" 400
stop_sim credits

# --- concurrency and latency ------------------------------------------------
start_sim busy --concurrency 1 --latency 600
mapfile -t result < <(helper parallel \
    "${sim_url[busy]}/v1/asset/ip/report?ip=9.9.9.9" k 2)
expect "concurrency: one of two parallel calls is refused" "${result[0]}" \
    "200 429"
expect "concurrency: refusal message" "${result[1]}" \
    "unable to call api at the same time"
request busy - POST /_sim/config -d '{"concurrency": 0}' >/dev/null
mapfile -t result < <(helper parallel \
    "${sim_url[busy]}/v1/asset/ip/report?ip=9.9.9.9" k 8)
expect "latency: eight parallel calls all succeed" "${result[0]}" \
    "200 200 200 200 200 200 200 200"
expect_true "latency: parallel calls wait in parallel (${result[2]} ms)" \
    test "${result[2]}" -ge 600 -a "${result[2]}" -lt 2400
request busy - GET /_sim/stats >/dev/null
expect_true "stats: max_in_flight saw the parallel calls" \
    test "$(body max_in_flight)" -ge 2
expect "stats: concurrency refusals" "$(body refused.concurrency)" 1
stop_sim busy

# --- 429 bursts and 500s ----------------------------------------------------
start_sim bursts --burst-429 2:5
statuses=""
for n in $(seq 1 10); do
    statuses+="$(request bursts k GET "/v1/asset/ip/report?ip=8.8.8.$n") "
done
expect "burst: first 2 of every 5 calls are HTTP 429" "$statuses" \
    "429 429 200 200 200 429 429 200 200 200 "
request bursts k GET "/v1/asset/ip/report?ip=8.8.8.8" >/dev/null
expect "burst: message" "$(body message)" "too many requests"
stop_sim bursts

start_sim failing --fail-5xx 3
statuses=""
for n in $(seq 1 6); do
    statuses+="$(request failing k GET "/v1/asset/ip/report?ip=8.8.8.$n") "
done
expect "5xx: every third call is HTTP 500" "$statuses" \
    "200 200 500 200 200 500 "
request failing - POST /_sim/config -d '{"fail_5xx": 0}' >/dev/null
expect "5xx: switched off at run time" \
    "$(request failing k GET "/v1/asset/ip/report?ip=8.8.8.9")" 200
stop_sim failing

# --- errors in HTTP 200 -----------------------------------------------------
start_sim in200 --errors-in-200 --invalid-key
expect "errors-in-200: invalid key travels with HTTP 200" \
    "$(request in200 k GET "/v1/asset/ip/report?ip=8.8.8.8")" 200
expect "errors-in-200: body status is 401" "$(body status)" 401
expect_true "shape: error body" helper shape error "$work/body.json"
request in200 - POST /_sim/config -d '{"invalid_key": false}' >/dev/null
expect "errors-in-200: invalid_key switched off" \
    "$(request in200 k GET "/v1/asset/ip/report?ip=8.8.8.8")" 200
expect "errors-in-200: body status is 200 again" "$(body status)" 200
stop_sim in200

# --- null-heavy bodies ------------------------------------------------------
start_sim nulls --null-heavy
for path in "/v1/asset/ip/report?ip=88.198.1.2&full=true" \
    "/v1/feature/ip/malicious-info?ip=1.1.1.1" \
    "/v2/feature/ip/suspicious-info?ip=1.1.1.1"; do
    expect "null-heavy: $path is HTTP 200" \
        "$(request nulls k GET "$path")" 200
    expect_true "null-heavy: $path has mostly nulls" \
        test "$(helper null_share "$work/body.json")" -ge 60
done
request nulls k POST /v1/domain/scan --data-urlencode query=null.example.com \
    >/dev/null
null_scan=$(body data.scan_id)
expect_true "null-heavy: scan_id arrives as a string" \
    grep -q '"scan_id":"' "$work/body.json"
for _ in 1 2 3 4; do
    request nulls k GET "/v1/domain/status/$null_scan" >/dev/null
done
expect "null-heavy: scan_percentage is kept" "$(body data.scan_percentage)" \
    100
expect "null-heavy: report is HTTP 200" \
    "$(request nulls k GET "/v2/domain/report/$null_scan")" 200
expect_true "null-heavy: report has mostly nulls" \
    test "$(helper null_share "$work/body.json")" -ge 60
stop_sim nulls

# --- IPv6 -------------------------------------------------------------------
start_sim v6 --ipv6
expect "ipv6: --ipv6 serves IPv6 reports" "$(request v6 k GET \
    "/v1/asset/ip/report?ip=2606:4700::1111")" 200
expect "ipv6: canonical address echoed" "$(body ip)" "2606:4700::1111"
expect "ipv6: owner from the prefix" "$(body whois.data.0.as_no)" 13335
stop_sim v6
if python3 -c 'import socket
socket.socket(socket.AF_INET6).bind(("::1", 0))' 2>/dev/null; then
    start_sim v6host --host ::1
    expect_true "ipv6: --host ::1 prints a bracketed URL" \
        grep -Eq '^http://\[::1\]:[0-9]+$' <<<"${sim_url[v6host]}"
    expect "ipv6: --host ::1 answers" \
        "$(request v6host - GET /_sim/stats)" 200
    stop_sim v6host
else
    pass "ipv6: --host ::1 # skip, no IPv6 loopback"
fi

if ((failures > 0)); then
    echo "$failures check(s) failed"
    exit 1
fi
echo "all checks passed"
