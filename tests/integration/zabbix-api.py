#!/usr/bin/python3
"""zabbix-api.py — put a Zabbix 6.0 template export (YAML) and hosts linked to
it into a Zabbix server's database through the Zabbix frontend's own API, as an
operator's Import button and host form do: configuration.import for the
template and for exports of hosts, host.create for hosts given by hand.

    zabbix-api.py URL TEMPLATE.yaml [--upgrade-from OLD.yaml]
                  [--host NAME --ip IP --dns NAME [--port PORT] [--template T]...
                   [--proxy P] [--macro M=V]...]...
                  [--hosts EXPORT.yaml [--macro M=V]...]...
    zabbix-api.py URL --set HOST M=V

URL is the frontend's api_jsonrpc.php. --hosts takes the hosts of a Zabbix 6.0
export of hosts linked to the template (what tlscheck-discover --emit=zabbix
writes); a --macro after it is set on each of them. A --macro after --host
belongs to that host; --port is the port of its agent interface (default
10050); --template links it to template T instead of the first file's
templates; --proxy has it monitored by the active proxy P (made when first
named). --set changes the value of HOST's macro M, as the host's form does.

With --upgrade-from, OLD.yaml is imported first and the hosts are linked to it;
then TEMPLATE.yaml is imported over it, as an upgrade does, and every item of
the hosts whose template item has the same uuid in both must keep its id (and
so its history). The hosts with --template, and the exports, which name
templates of TEMPLATE.yaml, go in after it.

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
    "discoveryRules": {"createMissing": True, "updateExisting": True, "deleteMissing": True},
    "templateLinkage": {"createMissing": True},
}


def read_export(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def import_file(api, path):
    source = read_export(path)
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


def template_ref(api, name):
    return {"templateid": one(api, "template.get", {"filter": {"host": name}},
                              "template " + name)["templateid"]}


def parse_args(argv):
    """The hosts by hand, as {host, ip, dns, macros}, and the exports, as
    [path, macros]."""
    by_hand, exports, last = [], [], None
    while argv:
        opt, val, argv = argv[0], argv[1], argv[2:]
        if opt == "--host":
            last = {"host": val, "ip": "", "dns": "", "port": "10050", "macros": [],
                    "templates": [], "proxy": None}
            by_hand.append(last)
        elif opt == "--hosts":
            last = {"path": val, "macros": []}
            exports.append(last)
        elif opt in ("--ip", "--dns", "--port", "--proxy") and last is not None and "host" in last:
            last[opt[2:]] = val
        elif opt == "--template" and last is not None and "host" in last:
            last["templates"].append(val)
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


def item_ids(api, hostids, uuids):
    """{(hostid, key): itemid} of the hosts' items that come from the template
    items of UUIDS."""
    ids = {}
    for it in api("item.get", {"templated": True, "filter": {"uuid": uuids},
                               "output": ["itemid"]}):
        for h in api("item.get", {"hostids": hostids, "filter": {"templateid": it["itemid"]},
                                  "output": ["itemid", "key_", "hostid"]}):
            ids[(h["hostid"], h["key_"])] = h["itemid"]
    return ids


def kept_uuids(old, new):
    """The uuids of the items in both exports (their text)."""
    def uuids(source):
        export = yaml.safe_load(source)["zabbix_export"]
        return {i["uuid"] for t in export["templates"] for i in t.get("items", [])}
    return sorted(uuids(old) & uuids(new))


def upgrade(api, hosts, old_file, new_file):
    """NEW_FILE imported over OLD_FILE, which HOSTS are linked to: their items
    of the template items in both keep their ids."""
    uuids = kept_uuids(read_export(old_file), read_export(new_file))
    hostids = [host_id(api, name) for name in hosts]
    before = item_ids(api, hostids, uuids)
    import_file(api, new_file)
    after = item_ids(api, hostids, uuids)
    if not before or after != before:
        sys.exit("zabbix-api.py: items not kept by the upgrade: before %s, after %s"
                 % (before, after))
    print("upgrade from %s: the %d items of %s kept" % (old_file, len(after), ", ".join(uuids)))


def main():
    url, template_file = sys.argv[1], sys.argv[2]
    if template_file == "--set":
        set_macro(Api(url), sys.argv[3], sys.argv[4])
        return
    argv, upgrade_from = sys.argv[3:], None
    if argv[:1] == ["--upgrade-from"]:
        upgrade_from, argv = argv[1], argv[2:]
    by_hand, exports = parse_args(argv)
    api = Api(url)
    names = [t["template"] for t in
             import_file(api, upgrade_from or template_file)["templates"]]
    # A host by hand is linked to the file's first template unless told.
    templates = [template_ref(api, n) for n in names[:1]]
    # The default data's own host would be polled too (a Zabbix agent that is
    # not there): it stays, disabled.
    api("host.update", {"hostid": host_id(api, "Zabbix server"), "status": 1})
    group = one(api, "hostgroup.get", {"filter": {"name": "Discovered hosts"}},
                "group Discovered hosts")["groupid"]
    proxies = {}

    def create(given, linked):
        """The hosts GIVEN, in one call (linking them one by one takes seconds
        each), linked to LINKED or their own --template."""
        batch = []
        for h in given:
            host = {"host": h["host"], "groups": [{"groupid": group}], "macros": h["macros"],
                    "templates": linked or [template_ref(api, n) for n in h["templates"]],
                    "interfaces": [{"type": 1, "main": 1, "useip": 1, "ip": h["ip"],
                                    "dns": h["dns"], "port": h["port"]}]}
            if h["proxy"]:
                if h["proxy"] not in proxies:
                    proxies[h["proxy"]] = api("proxy.create", {"host": h["proxy"],
                                                               "status": 5})["proxyids"][0]
                host["proxy_hostid"] = proxies[h["proxy"]]
            batch.append(host)
        if batch:
            api("host.create", batch)
        return [h["host"] for h in given]

    hosts = create([h for h in by_hand if not h["templates"]], templates)
    if upgrade_from:
        upgrade(api, hosts, upgrade_from, template_file)
    hosts += create([h for h in by_hand if h["templates"]], None)
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
