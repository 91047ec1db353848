#!/usr/bin/python3
"""zabbix-db.py — SQL that puts a Zabbix 6.0 template export (YAML) and hosts
linked to it into a Zabbix 6.0 database, as the frontend's import and "link
template" would: the template with its macros, value maps, items and triggers,
then for each host its interface, its macros, and its own copies of the items and
triggers (templateid set), which are what zabbix_server polls and evaluates.

The frontend (PHP) is what normally does this; the server only reads the tables.
Only what the template of contrib/zabbix uses is translated; anything else in the
export stops the script, so that a new field is not silently dropped.

    zabbix-db.py TEMPLATE.yaml [--host NAME --ip IP --dns NAME [--macro M=V]...]...
                 [--hosts EXPORT.yaml [--macro M=V]...]...

--hosts takes the hosts of a Zabbix 6.0 export of hosts linked to the template
(what tlscheck-discover --emit=zabbix writes); a --macro after it is set on each.

The SQL goes to standard output, for psql.
"""

import re
import sys
import uuid

import yaml

ITEM_TYPES = {"EXTERNAL": 10, "ZABBIX_PASSIVE": 0, "TRAP": 2}
VALUE_TYPES = {"FLOAT": 0, "CHAR": 1, "LOG": 2, "UNSIGNED": 3, "TEXT": 4}
PRIORITIES = {"NOT_CLASSIFIED": 0, "INFO": 1, "WARNING": 2, "AVERAGE": 3,
              "HIGH": 4, "DISASTER": 5}
MAPPING_TYPES = {"EQUAL": 0, "GREATER_OR_EQUAL": 1, "LESS_OR_EQUAL": 2,
                 "IN_RANGE": 3, "REGEXP": 4, "DEFAULT": 5}

TEMPLATE_KEYS = {"uuid", "template", "name", "description", "groups", "items",
                 "macros", "valuemaps"}
ITEM_KEYS = {"uuid", "name", "type", "key", "delay", "history", "trends",
             "value_type", "valuemap", "description", "tags", "triggers", "units"}
HOST_KEYS = {"host", "name", "templates", "groups", "interfaces", "macros"}
INTERFACE_KEYS = {"ip", "dns", "useip", "interface_ref"}
TRIGGER_KEYS = {"uuid", "expression", "name", "opdata", "priority", "description",
                "tags", "dependencies"}


class Ids:
    """Ids above those of data.sql's rows, one sequence for every table."""

    def __init__(self):
        self.last = 100000

    def __call__(self):
        self.last += 1
        return self.last


class Sql(str):
    """SQL text, inserted as it is."""


def q(value):
    """A SQL literal."""
    if isinstance(value, Sql):
        return value
    if value is None:
        return "NULL"
    if isinstance(value, int):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def insert(out, table, **columns):
    out.append("INSERT INTO %s (%s) VALUES (%s);" % (
        table, ",".join(columns), ",".join(q(v) for v in columns.values())))


def check_keys(what, obj, allowed):
    unknown = set(obj) - allowed
    if unknown:
        sys.exit("zabbix-db.py: %s: fields not translated: %s" % (what, sorted(unknown)))


def skip_key(text, i):
    """Index just past the item key that starts at text[i]: a name, then
    optionally [parameters], where a parameter may be "quoted" (\\" inside)."""
    while i < len(text) and text[i] not in "[,)":
        i += 1
    if i == len(text) or text[i] != "[":
        return i
    depth = 0
    while i < len(text):
        c = text[i]
        if c == '"':
            i += 1
            while text[i] != '"':
                i += 2 if text[i] == "\\" else 1
        elif c == "[":
            depth += 1
        elif c == "]":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    sys.exit("zabbix-db.py: unbalanced item key in %r" % text)


def parse_expression(expression, host):
    """The expression cut into text and function calls FUNC(/HOST/KEY[,PARAMS]):
    a list of strings and of (FUNC, KEY, PARAMETER) in the database's form, where
    the parameter starts with '$' for the item."""
    pieces, i = [], 0
    pattern = re.compile(r"([a-z]+)\(/" + re.escape(host) + "/")
    while True:
        m = pattern.search(expression, i)
        if not m:
            pieces.append(expression[i:])
            return pieces
        pieces.append(expression[i:m.start()])
        end = skip_key(expression, m.end())
        close = expression.index(")", end)
        pieces.append((m.group(1), expression[m.end():end], "$" + expression[end:close]))
        i = close + 1


def add_items(out, ids, template, hostid, interfaceid, valuemaps, inherited):
    """The template's items and triggers on HOSTID: the template's own when
    INHERITED is None, else a host's copies of them, each naming the template's
    row it comes from (INHERITED: the template's item and trigger ids, by key and
    by expression). Returns the ids given, by key and by expression."""
    item_ids, trigger_ids = {}, {}
    for it in template.get("items", []):
        check_keys("item " + it["key"], it, ITEM_KEYS)
        itemid = item_ids[it["key"]] = ids()
        insert(out, "items", itemid=itemid, hostid=hostid, name=it["name"],
               type=ITEM_TYPES[it.get("type", "ZABBIX_PASSIVE")], key_=it["key"],
               delay=str(it.get("delay", "1m")), history=it.get("history", "90d"),
               trends=it.get("trends", "365d"),
               value_type=VALUE_TYPES[it.get("value_type", "UNSIGNED")],
               units=it.get("units", ""), description=it.get("description", ""),
               valuemapid=valuemaps[it["valuemap"]["name"]] if "valuemap" in it else None,
               templateid=inherited[0][it["key"]] if inherited else None,
               interfaceid=interfaceid, uuid="" if inherited else it["uuid"],
               name_upper=it["name"].upper())
        if inherited:
            # The server polls only the items that have their run-time row.
            insert(out, "item_rtdata", itemid=itemid)
        for tag in it.get("tags", []):
            insert(out, "item_tag", itemtagid=ids(), itemid=itemid, tag=tag["tag"],
                   value=tag.get("value", ""))
    triggers = [tr for it in template.get("items", []) for tr in it.get("triggers", [])]
    for tr in triggers:
        check_keys("trigger " + tr["name"], tr, TRIGGER_KEYS)
        triggerid = trigger_ids[tr["expression"]] = ids()
        expression, functions = "", []
        for piece in parse_expression(tr["expression"], template["template"]):
            if isinstance(piece, str):
                expression += piece
            else:
                functions.append((ids(),) + piece)
                expression += "{%d}" % functions[-1][0]
        insert(out, "triggers", triggerid=triggerid, expression=expression,
               description=tr["name"], comments=tr.get("description", ""),
               opdata=tr.get("opdata", ""),
               priority=PRIORITIES[tr.get("priority", "NOT_CLASSIFIED")],
               templateid=inherited[1][tr["expression"]] if inherited else None,
               uuid="" if inherited else tr["uuid"])
        for functionid, func, key, parameter in functions:
            insert(out, "functions", functionid=functionid, itemid=item_ids[key],
                   triggerid=triggerid, name=func, parameter=parameter)
        for tag in tr.get("tags", []):
            insert(out, "trigger_tag", triggertagid=ids(), triggerid=triggerid,
                   tag=tag["tag"], value=tag.get("value", ""))
    for tr in triggers:
        for dep in tr.get("dependencies", []):
            insert(out, "trigger_depends", triggerdepid=ids(),
                   triggerid_down=trigger_ids[tr["expression"]],
                   triggerid_up=trigger_ids[dep["expression"]])
    return item_ids, trigger_ids


def load_export(path):
    with open(path, encoding="utf-8") as f:
        export = yaml.safe_load(f)["zabbix_export"]
    if export.get("version") != "6.0":
        sys.exit("zabbix-db.py: %s is not a Zabbix 6.0 export" % path)
    return export


def exported_hosts(path, template):
    """The hosts of the export PATH, each linked to TEMPLATE (its name) alone,
    with one interface."""
    hosts = []
    for h in load_export(path).get("hosts", []):
        check_keys("host", h, HOST_KEYS)
        if [t["name"] for t in h.get("templates", [])] != [template]:
            sys.exit("zabbix-db.py: host %s is not linked to '%s' alone" % (h["host"], template))
        if len(h["interfaces"]) != 1:
            sys.exit("zabbix-db.py: host %s has not one interface" % h["host"])
        i = h["interfaces"][0]
        check_keys("interface", i, INTERFACE_KEYS)
        useip = i.get("useip", "YES") == "YES"
        hosts.append({"name": h["host"], "ip": i.get("ip", "") if useip else "",
                      "dns": i.get("dns", ""), "groups": [g["name"] for g in h["groups"]],
                      "macros": [[m["macro"], str(m["value"])] for m in h.get("macros", [])]})
    return hosts


def main():
    # --ip, --dns and --macro belong to the --host before them; a --macro after
    # --hosts, to each host of that file.
    export = load_export(sys.argv[1]) if len(sys.argv) > 1 else sys.exit(__doc__)
    template = export["templates"][0]["name"]
    hosts, last, from_file, argv = [], [], False, sys.argv[2:]
    groups = export.get("groups", [])
    for opt, val in zip(argv[::2], argv[1::2]):
        if opt == "--host":
            last, from_file = [{"name": val, "ip": "", "dns": "", "macros": []}], False
            hosts += last
        elif opt == "--hosts":
            last, from_file = exported_hosts(val, template), True
            groups += load_export(val).get("groups", [])
            hosts += last
        elif opt in ("--ip", "--dns") and last and not from_file:
            last[0][opt[2:]] = val
        elif opt == "--macro" and last:
            for h in last:
                h["macros"].append(val.split("=", 1))
        else:
            sys.exit("zabbix-db.py: unexpected %s\n%s" % (opt, __doc__))
    if len(argv) % 2:
        sys.exit(__doc__)

    ids, out = Ids(), ["BEGIN;"]
    # A group is the one of that name if there is one (Zabbix's own data has
    # Templates/Applications), as in the frontend's import.
    # A group exported without its uuid gets a new one, as the import gives it.
    for g in groups:
        out.append("INSERT INTO hstgrp (groupid,name,uuid) SELECT %d,%s,%s WHERE NOT EXISTS "
                   "(SELECT 1 FROM hstgrp WHERE name = %s);"
                   % (ids(), q(g["name"]), q(g.get("uuid", uuid.uuid4().hex)), q(g["name"])))

    for t in export["templates"]:
        check_keys("template", t, TEMPLATE_KEYS)
        tid = ids()
        insert(out, "hosts", hostid=tid, host=t["template"], name=t["name"], status=3,
               description=t.get("description", ""), uuid=t["uuid"],
               name_upper=t["name"].upper())
        for g in t.get("groups", []):
            insert(out, "hosts_groups", hostgroupid=ids(), hostid=tid,
                   groupid=Sql("(SELECT min(groupid) FROM hstgrp WHERE name = %s)" % q(g["name"])))
        for m in t.get("macros", []):
            insert(out, "hostmacro", hostmacroid=ids(), hostid=tid, macro=m["macro"],
                   value=str(m.get("value", "")), description=m.get("description", ""))
        valuemaps = {}
        for vm in t.get("valuemaps", []):
            valuemaps[vm["name"]] = ids()
            insert(out, "valuemap", valuemapid=valuemaps[vm["name"]], hostid=tid,
                   name=vm["name"], uuid=vm["uuid"])
            for order, mapping in enumerate(vm["mappings"]):
                insert(out, "valuemap_mapping", valuemap_mappingid=ids(),
                       valuemapid=valuemaps[vm["name"]], value=mapping.get("value", ""),
                       newvalue=mapping["newvalue"],
                       type=MAPPING_TYPES[mapping.get("type", "EQUAL")], sortorder=order)

        own = add_items(out, ids, t, tid, None, valuemaps, None)
        for h in hosts:
            hid, iid = ids(), ids()
            insert(out, "hosts", hostid=hid, host=h["name"], name=h["name"], status=0,
                   name_upper=h["name"].upper())
            insert(out, "interface", interfaceid=iid, hostid=hid, main=1, type=1,
                   useip=1 if h["ip"] else 0, ip=h["ip"], dns=h["dns"], port="10050")
            insert(out, "hosts_templates", hosttemplateid=ids(), hostid=hid, templateid=tid)
            for g in h.get("groups", []):
                insert(out, "hosts_groups", hostgroupid=ids(), hostid=hid,
                       groupid=Sql("(SELECT min(groupid) FROM hstgrp WHERE name = %s)" % q(g)))
            for macro, value in h["macros"]:
                insert(out, "hostmacro", hostmacroid=ids(), hostid=hid, macro=macro, value=value)
            add_items(out, ids, t, hid, iid, valuemaps, own)
    out.append("COMMIT;")
    print("\n".join(out))


if __name__ == "__main__":
    main()
