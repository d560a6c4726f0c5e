#!/usr/bin/env python3
"""Helper of scripts/differential-cin.sh: a differential test of careful's Children in Need
census validator against DfE's reference validator (csc-validator-be-cin, the `cin_validator`
package).

Three subcommands, each run by the shell script:

  mutate     copy a base census into many perturbed censuses, each with a few seeded random
             mutations, logged in mutations.txt
  reference  run the reference validator on every census (in one process) and write each one's
             findings as reference.csv (rule, table, row, child)
  compare    compare careful's findings (careful.json) with the reference's per rule code, at
             the level of (census, child, rule), and write the agreement table in markdown

Synthetic data only: the base censuses are made by `careful generate`.
"""
import argparse
import copy
import csv
import datetime as dt
import json
import os
import random
import sys
import xml.etree.ElementTree as ET
from collections import defaultdict

# ----------------------------------------------------------------------------------------------
# The census

# Groups whose elements may repeat within their parent, and where they sit.
REPEATED = ["CINdetails", "Assessments", "CINPlanDates", "Section47", "ChildProtectionPlans", "Reviews"]
# Pairs of dates of one element that DfE's rules put in order.
DATE_PAIRS = {
    "CINdetails": ("CINreferralDate", "CINclosureDate"),
    "Assessments": ("AssessmentActualStartDate", "AssessmentAuthorisationDate"),
    "CINPlanDates": ("CINPlanStartDate", "CINPlanEndDate"),
    "Section47": ("S47ActualStartDate", "DateOfInitialCPC"),
    "ChildProtectionPlans": ("CPPstartDate", "CPPendDate"),
}
BAD_CODES = ["XX", "Q9", "99", "Z", "A0", "RC99", "N0", "1Z", "-1", "N/A", "true", "2"]


def is_date(text):
    try:
        dt.date.fromisoformat(text)
        return len(text) == 10
    except (TypeError, ValueError):
        return False


def parse(text):
    return dt.date.fromisoformat(text) if is_date(text) else None


def leaves(root):
    """Every leaf element of the children, with its child's LAchildID."""
    out = []
    for child in root.iter("Child"):
        cid = child.findtext("ChildIdentifiers/LAchildID") or ""
        for e in child.iter():
            if len(e) == 0 and e.tag != "Child":
                out.append((e, cid))
    return out


def parents_map(root):
    return {c: p for p in root.iter() for c in p}


def child_of(el, parents):
    while el is not None and el.tag != "Child":
        el = parents.get(el)
    return el


def child_id(child):
    return (child.findtext("ChildIdentifiers/LAchildID") or "") if child is not None else ""


# ----------------------------------------------------------------------------------------------
# Mutations. Each takes (rng, root, pools) and returns a description naming the child, or None
# if it found nothing to mutate (another is then tried).

def pick_leaf(rng, root, want):
    cands = [(e, cid) for e, cid in leaves(root) if want(e)]
    return rng.choice(cands) if cands else None


def m_blank(rng, root, pools):
    got = pick_leaf(rng, root, lambda e: (e.text or "").strip() and (e.tag != "LAchildID" or rng.random() < 0.05))
    if not got:
        return None
    e, cid = got
    old = e.text
    if rng.random() < 0.5:
        e.text = ""
        return f"blank: child {cid} <{e.tag}> emptied (was {old!r})"
    parents = parents_map(root)
    parents[e].remove(e)
    return f"blank: child {cid} <{e.tag}> removed (was {old!r})"


def m_bad_code(rng, root, pools):
    got = pick_leaf(rng, root, lambda e: e.tag in pools and not is_date(e.text or ""))
    if not got:
        return None
    e, cid = got
    old = e.text
    other = sorted({v for tag, vs in pools.items() if tag != e.tag for v in vs} - pools[e.tag])
    e.text = rng.choice(BAD_CODES) if rng.random() < 0.6 or not other else rng.choice(other)
    return f"bad_code: child {cid} <{e.tag}> {old!r} -> {e.text!r}"


def m_other_code(rng, root, pools):
    got = pick_leaf(rng, root, lambda e: e.tag in pools and len(pools[e.tag]) > 1 and not is_date(e.text or ""))
    if not got:
        return None
    e, cid = got
    old = e.text
    choices = sorted(v for v in pools[e.tag] if v != old)
    if not choices:
        return None
    e.text = rng.choice(choices)
    return f"other_code: child {cid} <{e.tag}> {old!r} -> {e.text!r} (a code seen in that element)"


def bad_date_text(rng, d):
    forms = [
        lambda: f"{d.year}-02-30", lambda: f"{d.year}-02-31", lambda: "2025-02-29",
        lambda: f"{d.year}-13-{d.day:02}", lambda: f"{d.year}-{d.month:02}-32", lambda: f"{d.year}-{d.month:02}-00",
        lambda: d.strftime("%d/%m/%Y"), lambda: d.strftime("%d-%m-%Y"), lambda: d.strftime("%Y%m%d"),
        lambda: f"{d.year}-{d.month}-{d.day}", lambda: d.strftime("%Y-%m-%dT00:00:00"), lambda: "unknown",
        lambda: d.strftime("%Y/%m/%d"),
    ]
    if d.day > 12:
        forms.append(lambda: d.strftime("%m/%d/%Y"))
    return rng.choice(forms)()


def m_bad_date(rng, root, pools):
    got = pick_leaf(rng, root, lambda e: is_date(e.text or ""))
    if not got:
        return None
    e, cid = got
    old = e.text
    e.text = bad_date_text(rng, parse(old))
    return f"bad_date: child {cid} <{e.tag}> {old!r} -> {e.text!r}"


def m_shift_date(rng, root, pools):
    got = pick_leaf(rng, root, lambda e: is_date(e.text or ""))
    if not got:
        return None
    e, cid = got
    old = e.text
    days = rng.choice([-1, 1, -7, 7, -30, 30]) if rng.random() < 0.5 else rng.randint(-800, 400)
    days = days or 1
    e.text = (parse(old) + dt.timedelta(days=days)).isoformat()
    return f"shift_date: child {cid} <{e.tag}> {old} -> {e.text} ({days:+d} days)"


def m_past_end(rng, root, pools):
    end = parse(root.findtext("Header/CollectionDetails/ReferenceDate") or "")
    if end is None:
        return None
    start = end - dt.timedelta(days=364)
    got = pick_leaf(rng, root, lambda e: (parse(e.text or "") or dt.date.min) >= start)
    if not got:
        return None
    e, cid = got
    old = e.text
    e.text = (end + dt.timedelta(days=rng.randint(1, 200))).isoformat()
    return f"past_end: child {cid} <{e.tag}> {old} -> {e.text}, after the census ends ({end})"


def m_swap_dates(rng, root, pools):
    cands = []
    for tag, (a, b) in DATE_PAIRS.items():
        for g in root.iter(tag):
            if is_date(g.findtext(a) or "") and is_date(g.findtext(b) or "") and g.findtext(a) != g.findtext(b):
                cands.append((g, a, b))
    if not cands:
        return None
    g, a, b = rng.choice(cands)
    ea, eb = g.find(a), g.find(b)
    ea.text, eb.text = eb.text, ea.text
    cid = child_id(child_of(g, parents_map(root)))
    return f"swap_dates: child {cid} <{g.tag}> {a} and {b} swapped (now {ea.text} and {eb.text})"


def m_dup_child(rng, root, pools):
    children = root.find("Children")
    if children is None or len(children) == 0:
        return None
    i = rng.randrange(len(children))
    c = children[i]
    children.insert(i + 1, copy.deepcopy(c))
    return f"dup_child: child {child_id(c)} duplicated (the same <Child> twice)"


def m_dup_id(rng, root, pools):
    children = root.find("Children")
    if children is None or len(children) < 2:
        return None
    a, b = rng.sample(range(len(children)), 2)
    ea = children[a].find("ChildIdentifiers/LAchildID")
    if ea is None:
        return None
    old = ea.text
    new = child_id(children[b])
    ea.text = new
    return f"dup_id: child {old} given child {new}'s LAchildID (two children, one ID)"


def m_delete_group(rng, root, pools):
    parents = parents_map(root)
    cands = [g for tag in REPEATED + ["Disabilities", "ChildCharacteristics"] for g in root.iter(tag)]
    if not cands:
        return None
    g = rng.choice(cands)
    cid = child_id(child_of(g, parents))
    parents[g].remove(g)
    return f"delete_group: child {cid} one <{g.tag}> deleted"


def m_dup_group(rng, root, pools):
    parents = parents_map(root)
    cands = [g for tag in REPEATED for g in root.iter(tag)]
    if not cands:
        return None
    g = rng.choice(cands)
    p = parents[g]
    new = copy.deepcopy(g)
    # sometimes the copy starts a little later, so the two overlap rather than coincide
    if rng.random() < 0.5:
        for e in new.iter():
            if len(e) == 0 and is_date(e.text or "") and ("Start" in e.tag or e.tag == "CINreferralDate"):
                d = parse(e.text or "")
                if d:
                    e.text = (d + dt.timedelta(days=rng.randint(1, 20))).isoformat()
                    break
    p.insert(list(p).index(g) + 1, new)
    return f"dup_group: child {child_id(child_of(g, parents))} <{g.tag}> duplicated"


def m_upn(rng, root, pools):
    got = pick_leaf(rng, root, lambda e: e.tag in ("UPN", "FormerUPN") and (e.text or "").strip())
    if not got:
        return None
    e, cid = got
    old = e.text
    forms = [
        lambda: ("A" if old[0] != "A" else "B") + old[1:],   # a wrong check letter
        lambda: old[:-1],                                   # too short
        lambda: old[:5] + "I" + old[6:],                    # a letter where digits go
        lambda: "UN" + str(rng.randint(1, 7)),              # a code for an unknown UPN
        lambda: old.lower(),
    ]
    e.text = rng.choice(forms)()
    return f"upn: child {cid} <{e.tag}> {old!r} -> {e.text!r}"


def m_header(rng, root, pools):
    choices = {
        "Header/CollectionDetails/ReferenceDate": ["2025-03-31", "2026-03-30", "31/03/2026"],
        "Header/CollectionDetails/Collection": ["CLA", "cin", ""],
        "Header/CollectionDetails/Year": ["2025", "2027"],
        "Header/Source/LEA": ["999", "AB1"],
        "Header/Source/SourceLevel": ["X"],
    }
    path = rng.choice(sorted(choices))
    e = root.find(path)
    if e is None:
        return None
    old = e.text
    e.text = rng.choice(choices[path])
    return f"header: <{e.tag}> {old!r} -> {e.text!r}"


MUTATIONS = {
    "blank": m_blank, "bad_code": m_bad_code, "other_code": m_other_code, "bad_date": m_bad_date,
    "shift_date": m_shift_date, "past_end": m_past_end, "swap_dates": m_swap_dates,
    "dup_child": m_dup_child, "dup_id": m_dup_id, "delete_group": m_delete_group,
    "dup_group": m_dup_group, "upn": m_upn, "header": m_header,
}
# how often each kind is drawn (a header change touches every child, so it is rarer)
KIND_WEIGHTS = {"blank": 4, "bad_code": 3, "other_code": 3, "bad_date": 3, "shift_date": 4,
                "past_end": 2, "swap_dates": 3, "dup_child": 1, "dup_id": 1, "delete_group": 3,
                "dup_group": 3, "upn": 2, "header": 0.3}


def cmd_mutate(args):
    base = ET.parse(args.census).getroot()
    pools = defaultdict(set)   # the codes seen in each element
    for e, _ in leaves(base):
        text = (e.text or "").strip()
        if text and not is_date(text) and e.tag not in ("LAchildID", "UPN", "FormerUPN", "DateTime",
                                                          "NumberOfPreviousCPP", "SerialNo"):
            pools[e.tag].add(text)
    kinds = list(KIND_WEIGHTS)
    for n in range(args.count):
        rng = random.Random(f"{args.seed}/{args.label}/{n}")
        root = copy.deepcopy(base)
        count = rng.randint(2, 5)
        weights = [KIND_WEIGHTS[k] for k in kinds]
        if rng.random() < 0.4:   # one kind, several times
            chosen = [rng.choices(kinds, weights=weights)[0]] * count
        else:
            chosen = rng.choices(kinds, weights=weights, k=count)
        log = []
        for kind in chosen:
            for _ in range(20):
                what = MUTATIONS[kind](rng, root, pools)
                if what:
                    log.append(what)
                    break
        out = os.path.join(args.out, f"{args.label}-m{n:03d}")
        os.makedirs(out, exist_ok=True)
        ET.indent(root)
        ET.ElementTree(root).write(os.path.join(out, "census.xml"), encoding="UTF-8", xml_declaration=True)
        with open(os.path.join(out, "mutations.txt"), "w") as f:
            f.write("\n".join(log) + "\n")
    return 0


# ----------------------------------------------------------------------------------------------
# The reference validator

def cmd_reference(args):
    """Runs the reference's own steps for a whole validation (convert_data, process_data, then
    CinValidator's rule loop, as rpc_main.cin_validate does) on each census. Its report step
    (include_issue_child, which maps each flagged row to its child) raises on some inputs, so
    this runs the rule loop alone and maps rows to children itself, from the same tables."""
    import contextlib
    import io
    import time
    import traceback
    import warnings

    warnings.simplefilter("ignore")
    from cin_validator import cin_validator
    from cin_validator.rules.ruleset_utils import get_year_ruleset

    registry = get_year_ruleset(args.year)
    for census in args.censuses:
        started = time.perf_counter()
        meta = {"rules": sorted(str(c) for c in registry), "failed": [], "error": None}
        rows = []
        try:
            with open(os.path.join(census, "census.xml"), "rb") as f:
                root = ET.fromstring(f.read().decode("utf-8"))
            raw = cin_validator.convert_data(root)
            tables = copy.deepcopy(raw)
            data = cin_validator.process_data(raw)
            v = cin_validator.CinValidator.__new__(cin_validator.CinValidator)
            v.data_files, v.ruleset_registry = data, registry
            printed = io.StringIO()
            with contextlib.redirect_stdout(printed):
                v.create_issue_report_df(None)
            meta["failed"] = sorted({line.split()[3].rstrip(":") for line in printed.getvalue().splitlines()
                                     if line.startswith("Error with rule")})
            df = v.full_issue_df
            for rule, table, row in zip(df["rule_code"], df["tables_affected"], df["ROW_ID"]):
                child = ""
                if table != "Header" and isinstance(table, str):
                    value = tables[table]["LAchildID"].iloc[int(row)]
                    child = "" if value is None or value != value else str(value)
                rows.append((str(rule), table, int(row), child))
            la = v.la_rule_issues
            if len(la):
                for rule in la["rule_code"].unique():
                    rows.append((str(rule), "Header", 0, ""))
        except Exception:
            meta["error"] = traceback.format_exc(limit=3)
        meta["seconds"] = round(time.perf_counter() - started, 1)
        with open(os.path.join(census, "reference.csv"), "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["rule", "table", "row", "child"])
            w.writerows(sorted(set(rows)))
        with open(os.path.join(census, "reference.json"), "w") as f:
            json.dump(meta, f)
        print(f"  {os.path.basename(census)}: {len(set(rows))} flagged rows in {meta['seconds']} s"
              + (f"; ERROR {meta['error'].strip().splitlines()[-1]}" if meta["error"] else "")
              + (f"; rules failed: {' '.join(meta['failed'])}" if meta["failed"] else ""), flush=True)
    return 0


# ----------------------------------------------------------------------------------------------
# Comparison

def child_key(child, table, row):
    if table == "Header":
        return "(the census)"
    c = (child or "").strip().upper()
    return c if c else f"(no LAchildID: {table} row {row})"


def load_census(census):
    with open(os.path.join(census, "careful.json")) as f:
        careful = json.load(f)
    with open(os.path.join(census, "reference.json")) as f:
        rmeta = json.load(f)
    with open(os.path.join(census, "reference.csv"), newline="") as f:
        ref = list(csv.DictReader(f))
    c_rows, r_rows = defaultdict(lambda: defaultdict(list)), defaultdict(lambda: defaultdict(list))
    for x in careful:
        if x["rule"] == "schema":
            continue   # the reader's report of what does not fit the schema: no rule of DfE's
        c_rows[x["rule"]][child_key(x["child"], x["table"], x["row"])].append(f"{x['table']}[{x['row']}]")
    for x in ref:
        r_rows[x["rule"]][child_key(x["child"], x["table"], x["row"])].append(f"{x['table']}[{x['row']}]")
    return c_rows, r_rows, rmeta


def cmd_compare(args):
    with open(args.careful_rules) as f:
        careful_rules = set(f.read().split())
    stats = defaultdict(lambda: {"both": 0, "careful": 0, "reference": 0, "r_fail": 0, "examples": []})
    ref_rules = set()
    excluded, used = [], []
    for census in sorted(args.censuses):
        name = os.path.basename(census)
        if not os.path.exists(os.path.join(census, "careful.json")):
            excluded.append(f"{name}: careful could not read it as a census")
            continue
        c_rows, r_rows, rmeta = load_census(census)
        if rmeta["error"]:
            excluded.append(f"{name}: the reference stopped: {rmeta['error'].strip().splitlines()[-1]}")
            continue
        used.append(name)
        ref_rules = set(rmeta["rules"])
        size = int(name.split("-")[0][1:]) if name[0] == "n" else 0
        with open(os.path.join(census, "mutations.txt")) as f:
            muts = [m for m in f.read().splitlines() if m]
        for rule in sorted(careful_rules | ref_rules):
            s = stats[rule]
            if rule in rmeta["failed"]:
                s["r_fail"] += 1
                continue   # an exception in the reference says nothing of the rule
            cs, rs = set(c_rows.get(rule, {})), set(r_rows.get(rule, {}))
            s["both"] += len(cs & rs)
            s["careful"] += len(cs - rs)
            s["reference"] += len(rs - cs)
            for side, keys in (("careful", cs - rs), ("reference", rs - cs)):
                for k in keys:
                    touched = [m for m in muts if f"child {k} " in m or (k == "(the census)" and m.startswith("header"))]
                    s["examples"].append({
                        "side": side, "census": name, "child": k, "size": size,
                        "mutations": len(muts), "touched": touched,
                        "careful_rows": c_rows.get(rule, {}).get(k, []),
                        "reference_rows": r_rows.get(rule, {}).get(k, []),
                    })

    def agreement(s):
        n = s["both"] + s["careful"] + s["reference"]
        return (s["both"] / n) if n else None

    lines = []
    lines.append(f"Censuses compared: {len(used)}" + (f"; excluded: {len(excluded)}" if excluded else ""))
    for e in excluded:
        lines.append(f"- excluded {e}")
    lines.append("")
    lines.append("| rule | both | only careful | only reference | agreement | reference failed |")
    lines.append("| --- | ---: | ---: | ---: | ---: | ---: |")
    below, full, silent, failed = [], [], [], []
    for rule in sorted(stats, key=rule_sort_key):
        s = stats[rule]
        a = agreement(s)
        if a is None:
            (failed if used and s["r_fail"] == len(used) else silent).append(rule)
            continue
        (below if a < 1 else full).append(rule)
    for rule in below + full:
        s = stats[rule]
        a = agreement(s)
        note = "" if rule in careful_rules and rule in ref_rules else (
            " (careful only)" if rule in careful_rules else " (reference only)")
        shown = f"{a:.1%}" if a < 0.999 or a == 1 else "99.9%"
        lines.append(f"| {rule}{note} | {s['both']} | {s['careful']} | {s['reference']} | {shown} | {s['r_fail']} |")
    lines.append("")
    lines.append(f"Rules below 100%: {len(below)}; at 100%: {len(full)}; no finding from either tool: {len(silent)}.")
    lines.append("")
    lines.append("No finding from either tool: " + " ".join(silent))
    if failed:
        lines.append("")
        lines.append("The reference raised an exception on every census (not compared): " + " ".join(failed))
    lines.append("")
    lines.append("## Examples for rules below 100%")
    lines.append("")
    lines.append("Up to three children per rule, from the smallest census where it shows, children "
                 "a mutation names first, then the fewest mutations; rows are Table[0-based row]. "
                 "\"(also unperturbed)\" marks a difference the unperturbed census of that size "
                 "already shows.")
    for rule in below:
        lines.append("")
        lines.append(f"### {rule}")
        ex = stats[rule]["examples"]
        in_base = {(e["size"], e["child"], e["side"]) for e in ex if e["census"].endswith("-base")}
        for e in ex:
            e["in_base"] = (e["size"], e["child"], e["side"]) in in_base
        ex = sorted(ex, key=lambda e: (e["in_base"] and not e["census"].endswith("-base"),
                                       e["size"], not e["touched"], e["mutations"], e["census"], e["child"]))
        picked, children = [], set()
        for side in ("careful", "reference"):
            for e in ex:
                if e["side"] == side and e["child"] not in children:
                    picked.append(e)
                    children.add(e["child"])
                    break
        for e in ex:
            if len(picked) >= 3:
                break
            if e["child"] not in children:
                picked.append(e)
                children.add(e["child"])
        for e in picked[:3]:
            lines.append(f"- only {e['side']}: {e['census']} child {e['child']}: careful {', '.join(e['careful_rows']) or '-'}; "
                         f"reference {', '.join(e['reference_rows']) or '-'}"
                         + (" (also unperturbed)" if e["in_base"] else "")
                         + (f"; mutation: {' / '.join(e['touched'])}" if e["touched"] else ""))
    text = "\n".join(lines) + "\n"
    with open(args.out, "w") as f:
        f.write(text)
    with open(args.out.replace(".md", ".json"), "w") as f:
        json.dump({r: dict(s) for r, s in stats.items()}, f)
    sys.stdout.write(text)
    return 0


def rule_sort_key(code):
    digits = "".join(ch for ch in code if ch.isdigit())
    return (not code[0].isdigit(), int(digits) if digits else 0, code)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("mutate")
    m.add_argument("--census", required=True)
    m.add_argument("--out", required=True)
    m.add_argument("--label", required=True)
    m.add_argument("--count", type=int, required=True)
    m.add_argument("--seed", default="1")
    r = sub.add_parser("reference")
    r.add_argument("--year", required=True, help="DfE's collection year: 2026 for 2025-26")
    r.add_argument("censuses", nargs="+")
    c = sub.add_parser("compare")
    c.add_argument("--careful-rules", required=True)
    c.add_argument("--out", required=True)
    c.add_argument("censuses", nargs="+")
    args = p.parse_args()
    return {"mutate": cmd_mutate, "reference": cmd_reference, "compare": cmd_compare}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
