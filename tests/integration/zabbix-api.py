#!/usr/bin/python3
"""zabbix-api.py — put a Zabbix 6.0 template export (YAML) and hosts linked to
it into a Zabbix server's database through the Zabbix frontend's own API, as an
operator's Import button and host form do: configuration.import for the
template and for exports of hosts, host.create for hosts given by hand.

    zabbix-api.py URL TEMPLATE.yaml [--host NAME --ip IP --dns NAME [--macro M=V]...]...
                  [--hosts EXPORT.yaml [--macro M=V]...]...
    zabbix-api.py URL --set HOST M=V

URL is the frontend's api_jsonrpc.php. --hosts takes the hosts of a Zabbix 6.0
export of hosts linked to the template (what tlscheck-discover --emit=zabbix
writes); a --macro after it is set on each of them. A --macro after --host
belongs to that host. --set changes the value of HOST's macro M, as the host's
form does.

What the API refuses stops the script with its message; what landed is
printed, one line per host.
"""

import json
import sys
import urllib.request

import yaml


class Api:
    """JSON-RPC 2.0 calls to the frontend, logged in as the default data's user."""

    def __init__(self, url):
        self.url, self.auth, self.id = url, None, 0
        self.auth = self("user.login", {"username": "Admin", "password": "zabbix"})

    def __call__(self, method, params):
        self.id += 1
        body = {"jsonrpc": "2.0", "method": method, "params": params, "id": self.id}
        if self.auth is not None:
            body["auth"] = self.auth
        request = urllib.request.Request(self.url, json.dumps(body).encode(),
                                         {"Content-Type": "application/json-rpc"})
        with urllib.request.urlopen(request, timeout=60) as answer:
            reply = json.load(answer)
        if "error" in reply:
            e = reply["error"]
            sys.exit("zabbix-api.py: %s: %s %s" % (method, e.get("message"), e.get("data")))
        return reply["result"]


# What the frontend's Import dialog offers, all ticked that a first import needs.
IMPORT_RULES = {
    "groups": {"createMissing": True},
    "templates": {"createMissing": True, "updateExisting": True},
    "hosts": {"createMissing": True, "updateExisting": True},
    "items": {"createMissing": True, "updateExisting": True, "deleteMissing": True},
    "triggers": {"createMissing": True, "updateExisting": True, "deleteMissing": True},
    "valueMaps": {"createMissing": True, "updateExisting": True},
    "discoveryRules": {"createMissing": True, "updateExisting": True},
    "templateLinkage": {"createMissing": True},
}


def import_file(api, path):
    with open(path, encoding="utf-8") as f:
        source = f.read()
    api("configuration.import", {"format": "yaml", "source": source, "rules": IMPORT_RULES})
    return yaml.safe_load(source)["zabbix_export"]


def one(api, method, params, what):
    found = api(method, params)
    if len(found) != 1:
        sys.exit("zabbix-api.py: %s: %d found" % (what, len(found)))
    return found[0]


def host_id(api, name):
    return one(api, "host.get", {"filter": {"host": name}, "output": ["hostid"]},
               "host " + name)["hostid"]


def parse_args(argv):
    """The hosts by hand, as {host, ip, dns, macros}, and the exports, as
    [path, macros]."""
    by_hand, exports, last = [], [], None
    while argv:
        opt, val, argv = argv[0], argv[1], argv[2:]
        if opt == "--host":
            last = {"host": val, "ip": "", "dns": "", "macros": []}
            by_hand.append(last)
        elif opt == "--hosts":
            last = {"path": val, "macros": []}
            exports.append(last)
        elif opt in ("--ip", "--dns") and last is not None and "host" in last:
            last[opt[2:]] = val
        elif opt == "--macro" and last is not None:
            macro, value = val.split("=", 1)
            last["macros"].append({"macro": macro, "value": value})
        else:
            sys.exit("zabbix-api.py: unexpected %s" % opt)
    return by_hand, exports


def set_macro(api, host, assignment):
    macro, value = assignment.split("=", 1)
    found = one(api, "usermacro.get", {"hostids": host_id(api, host),
                                       "filter": {"macro": macro}}, macro + " on " + host)
    api("usermacro.update", {"hostmacroid": found["hostmacroid"], "value": value})


def main():
    url, template_file = sys.argv[1], sys.argv[2]
    if template_file == "--set":
        set_macro(Api(url), sys.argv[3], sys.argv[4])
        return
    by_hand, exports = parse_args(sys.argv[3:])
    api = Api(url)
    names = [t["template"] for t in import_file(api, template_file)["templates"]]
    templates = [{"templateid": one(api, "template.get", {"filter": {"host": n}},
                                    "template " + n)["templateid"]} for n in names]
    # The default data's own host would be polled too (a Zabbix agent that is
    # not there): it stays, disabled.
    api("host.update", {"hostid": host_id(api, "Zabbix server"), "status": 1})
    group = one(api, "hostgroup.get", {"filter": {"name": "Discovered hosts"}},
                "group Discovered hosts")["groupid"]
    for h in by_hand:
        api("host.create", {
            "host": h["host"], "groups": [{"groupid": group}], "templates": templates,
            "macros": h["macros"],
            "interfaces": [{"type": 1, "main": 1, "useip": 1, "ip": h["ip"], "dns": h["dns"],
                            "port": "10050"}]})
    hosts = [h["host"] for h in by_hand]
    for e in exports:
        for h in import_file(api, e["path"]).get("hosts", []):
            hostid = host_id(api, h["host"])
            for m in e["macros"]:
                api("usermacro.create", dict(m, hostid=hostid))
            hosts.append(h["host"])
    for name in hosts:
        hostid = host_id(api, name)
        items = api("item.get", {"hostids": hostid, "countOutput": True})
        triggers = api("trigger.get", {"hostids": hostid, "countOutput": True})
        print("%s: %s items, %s triggers" % (name, items, triggers))


if __name__ == "__main__":
    main()
