#!/usr/bin/env python3
"""Helper of scripts/differential-903.sh: a differential test of careful's SSDA903 validator
against DfE's reference validator (csc-validator-be-903, the `lac_validator` package).

Three subcommands, each run by the shell script:

  mutate     copy a base return (this year and last year's CSV tables) into many perturbed
             returns, each with a few seeded random mutations, logged in mutations.txt
  reference  run the reference validator, repaired at run time (see `repair_reference`), on
             every return and write each one's findings as reference.csv (rule, table, row, child)
  compare    compare careful's findings (careful.json) with the reference's per rule code, at
             the level of (return, child, rule), and write the agreement table in markdown

Synthetic data only: the base returns are made by `careful generate`.
"""
import argparse
import csv
import datetime as dt
import json
import os
import random
import sys
from collections import defaultdict

# ----------------------------------------------------------------------------------------------
# Reading and writing a return's CSV tables

TABLES = {
    # header row -> table name, as the reference's config.column_names recognises them
    "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB": "Header",
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN": "Episodes",
    "CHILD,DOB,REVIEW,REVIEW_CODE": "Reviews",
    "CHILD,SEX,DOB,DUC": "UASC",
    "CHILD,DOB,SDQ_SCORE,SDQ_REASON,CONVICTED,HEALTH_CHECK,IMMUNISATIONS,TEETH_CHECK,HEALTH_ASSESSMENT,SUBSTANCE_MISUSE,INTERVENTION_RECEIVED,INTERVENTION_OFFERED": "OC2",
    "CHILD,DOB,IN_TOUCH,ACTIV,ACCOM": "OC3",
    "CHILD,DOB,DATE_INT,DATE_MATCH,FOSTER_CARE,NB_ADOPTR,SEX_ADOPTR,LS_ADOPTR": "AD1",
    "CHILD,DOB,DATE_PLACED,DATE_PLACED_CEASED,REASON_PLACED_CEASED": "PlacedAdoption",
    "CHILD,DOB,PREV_PERM,LA_PERM,DATE_PERM": "PrevPerm",
    "CHILD,DOB,MISSING,MIS_START,MIS_END": "Missing",
    "CHILD,DOB,SW_ID,SW_DECOM,SW_DEC,SW_REASON": "SWEpisodes",
}

CODE_FIELDS = {
    "Header": ["SEX", "ETHNIC", "MOTHER"],
    "Episodes": ["RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "REC", "REASON_PLACE_CHANGE"],
    "Reviews": ["REVIEW_CODE"],
    "UASC": ["SEX"],
    "OC2": ["SDQ_SCORE", "SDQ_REASON", "CONVICTED", "HEALTH_CHECK", "IMMUNISATIONS", "TEETH_CHECK",
            "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED"],
    "OC3": ["IN_TOUCH", "ACTIV", "ACCOM"],
    "AD1": ["FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"],
    "PlacedAdoption": ["REASON_PLACED_CEASED"],
    "PrevPerm": ["PREV_PERM", "LA_PERM"],
    "Missing": ["MISSING"],
    "SWEpisodes": ["SW_REASON"],
}
DATE_FIELDS = {
    "Header": ["DOB", "MC_DOB"],
    "Episodes": ["DECOM", "DEC"],
    "Reviews": ["REVIEW", "DOB"],
    "UASC": ["DUC", "DOB"],
    "OC2": ["DOB"],
    "OC3": ["DOB"],
    "AD1": ["DATE_INT", "DATE_MATCH", "DOB"],
    "PlacedAdoption": ["DATE_PLACED", "DATE_PLACED_CEASED", "DOB"],
    "PrevPerm": ["DATE_PERM", "DOB"],
    "Missing": ["MIS_START", "MIS_END", "DOB"],
    "SWEpisodes": ["SW_DECOM", "SW_DEC", "DOB"],
}
BAD_CODES = ["XX", "Q9", "99", "Z", "A0", "PR9", "E9", "V9", "-1", "N/A"]


class Table:
    def __init__(self, name, fieldnames, rows, newline):
        self.name, self.fields, self.rows, self.newline = name, fieldnames, rows, newline

    def col(self, field):
        return self.fields.index(field)

    def copy(self):
        return Table(self.name, list(self.fields), [list(r) for r in self.rows], self.newline)


def read_return(folder):
    tables = {}
    for fname in sorted(os.listdir(folder)):
        if not fname.endswith(".csv"):
            continue
        with open(os.path.join(folder, fname), newline="") as f:
            text = f.read()
        newline = "\r\n" if "\r\n" in text else "\n"
        rows = list(csv.reader(text.splitlines()))
        name = TABLES.get(",".join(rows[0]))
        if name is None:
            raise SystemExit(f"{folder}/{fname}: unknown header {rows[0]}")
        tables[name] = Table(name, rows[0], rows[1:], newline)
    return tables


def write_return(tables, folder):
    os.makedirs(folder, exist_ok=True)
    for name, t in tables.items():
        with open(os.path.join(folder, name + ".csv"), "w", newline="") as f:
            w = csv.writer(f, lineterminator=t.newline)
            w.writerow(t.fields)
            w.writerows(t.rows)


def parse_date(s):
    try:
        return dt.datetime.strptime(s, "%d/%m/%Y").date()
    except ValueError:
        return None


def fmt(d):
    return d.strftime("%d/%m/%Y")


# ----------------------------------------------------------------------------------------------
# Mutations. Each takes (rng, this, prev, pools) and returns a description naming the table, the
# row (0-based among data rows, after the mutation) and the child, or None if it found nothing
# to mutate (another is then tried).

def pick_cell(rng, tables, fields_by_table, nonblank=True):
    cands = []
    for name, fields in fields_by_table.items():
        t = tables.get(name)
        if not t:
            continue
        for field in fields:
            if field not in t.fields:
                continue
            c = t.col(field)
            for i, r in enumerate(t.rows):
                if not nonblank or r[c].strip():
                    cands.append((name, i, field))
    if not cands:
        return None
    return rng.choice(cands)


def which_year(rng, this, prev):
    return ("last year's", prev) if rng.random() < 0.15 else ("", this)


def m_blank(rng, this, prev, pools):
    label, tables = which_year(rng, this, prev)
    fields = {n: [f for f in t.fields if f != "CHILD" or rng.random() < 0.05]
              for n, t in tables.items()}
    got = pick_cell(rng, tables, fields)
    if not got:
        return None
    name, i, field = got
    t = tables[name]
    old = t.rows[i][t.col(field)]
    t.rows[i][t.col(field)] = ""
    return f"blank: {label} {name} row {i} (child {t.rows[i][0]}) {field} blanked (was {old!r})"


def m_bad_code(rng, this, prev, pools):
    label, tables = which_year(rng, this, prev)
    got = pick_cell(rng, tables, CODE_FIELDS, nonblank=rng.random() < 0.8)
    if not got:
        return None
    name, i, field = got
    t = tables[name]
    old = t.rows[i][t.col(field)]
    # an invalid code, or a code that is valid for another field
    other = [v for f, vs in pools.items() if f != field for v in vs if v not in pools.get(field, ())]
    new = rng.choice(BAD_CODES) if rng.random() < 0.6 or not other else rng.choice(sorted(other))
    t.rows[i][t.col(field)] = new
    return f"bad_code: {label} {name} row {i} (child {t.rows[i][0]}) {field} {old!r} -> {new!r}"


def m_other_code(rng, this, prev, pools):
    label, tables = which_year(rng, this, prev)
    got = pick_cell(rng, tables, CODE_FIELDS, nonblank=False)
    if not got:
        return None
    name, i, field = got
    t = tables[name]
    old = t.rows[i][t.col(field)]
    choices = sorted(v for v in pools.get(field, ()) if v != old)
    if not choices:
        return None
    new = rng.choice(choices)
    t.rows[i][t.col(field)] = new
    return f"other_code: {label} {name} row {i} (child {t.rows[i][0]}) {field} {old!r} -> {new!r} (a code seen in that field)"


def bad_date_text(rng, d):
    forms = [
        lambda: f"31/02/{d.year}", lambda: f"30/02/{d.year}", lambda: f"29/02/2025",
        lambda: f"32/{d.month:02}/{d.year}", lambda: f"00/{d.month:02}/{d.year}",
        lambda: f"{d.day:02}/13/{d.year}", lambda: f"31/04/{d.year}",
        lambda: d.strftime("%Y-%m-%d"), lambda: d.strftime("%d-%m-%Y"),
        lambda: d.strftime("%d/%m/%y"), lambda: d.strftime("%d.%m.%Y"),
        lambda: d.strftime("%Y%m%d"), lambda: "unknown", lambda: f"{d.day:02}/{d.month:02}/{d.year:04}x",
    ]
    if d.day > 12:
        forms.append(lambda: d.strftime("%m/%d/%Y"))   # American order, not a date
    return rng.choice(forms)()


def m_bad_date(rng, this, prev, pools):
    label, tables = which_year(rng, this, prev)
    got = pick_cell(rng, tables, DATE_FIELDS)
    if not got:
        return None
    name, i, field = got
    t = tables[name]
    old = t.rows[i][t.col(field)]
    d = parse_date(old) or dt.date(2025, 6, 15)
    new = bad_date_text(rng, d)
    t.rows[i][t.col(field)] = new
    return f"bad_date: {label} {name} row {i} (child {t.rows[i][0]}) {field} {old!r} -> {new!r}"


def m_shift_date(rng, this, prev, pools):
    label, tables = which_year(rng, this, prev)
    got = pick_cell(rng, tables, DATE_FIELDS)
    if not got:
        return None
    name, i, field = got
    t = tables[name]
    old = t.rows[i][t.col(field)]
    d = parse_date(old)
    if d is None:
        return None
    days = rng.choice([-1, 1, -7, 7, -30, 30]) if rng.random() < 0.5 else rng.randint(-800, 400)
    if days == 0:
        days = 1
    new = fmt(d + dt.timedelta(days=days))
    t.rows[i][t.col(field)] = new
    return f"shift_date: {label} {name} row {i} (child {t.rows[i][0]}) {field} {old} -> {new} ({days:+d} days)"


def weighted_table(rng, tables, exclude=()):
    names = [n for n, t in tables.items() if t.rows and n not in exclude]
    if not names:
        return None
    # small tables are as interesting as large ones: weight by the square root of their size
    return rng.choices(names, weights=[len(tables[n].rows) ** 0.5 for n in names])[0]


def m_dup_row(rng, this, prev, pools):
    label, tables = which_year(rng, this, prev)
    name = weighted_table(rng, tables)
    if not name:
        return None
    t = tables[name]
    i = rng.randrange(len(t.rows))
    t.rows.insert(i + 1, list(t.rows[i]))
    return f"dup_row: {label} {name} row {i} (child {t.rows[i][0]}) duplicated as row {i + 1}"


def m_delete_row(rng, this, prev, pools):
    label, tables = which_year(rng, this, prev)
    name = weighted_table(rng, tables)
    if not name:
        return None
    t = tables[name]
    i = rng.randrange(len(t.rows))
    row = t.rows.pop(i)
    return f"delete_row: {label} {name} row {i} (child {row[0]}) deleted: {','.join(row)}"


def rows_by_child(t, date_field):
    c = t.col(date_field)
    by = defaultdict(list)
    for i, r in enumerate(t.rows):
        d = parse_date(r[c])
        if d:
            by[r[0]].append((d, i))
    return {k: sorted(v) for k, v in by.items()}


def m_overlap(rng, this, prev, pools):
    """Two of a child's episodes (or social worker episodes, or missing periods) overlap."""
    kind = rng.choice(["Episodes", "Episodes", "SWEpisodes", "Missing"])
    start, end = {"Episodes": ("DECOM", "DEC"), "SWEpisodes": ("SW_DECOM", "SW_DEC"),
                  "Missing": ("MIS_START", "MIS_END")}[kind]
    t = this.get(kind)
    if not t:
        return None
    if kind == "Missing":
        # a second missing period starting a day after one that is open or longer than a day
        cands = [i for i, r in enumerate(t.rows) if parse_date(r[t.col(start)])]
        if not cands:
            return None
        i = rng.choice(cands)
        new = list(t.rows[i])
        d = parse_date(new[t.col(start)])
        new[t.col(start)] = fmt(d + dt.timedelta(days=1))
        e = parse_date(new[t.col(end)])
        if e and e <= d + dt.timedelta(days=1):
            t.rows[i][t.col(end)] = fmt(d + dt.timedelta(days=3))
            new[t.col(end)] = fmt(d + dt.timedelta(days=4))
        t.rows.insert(i + 1, new)
        return f"overlap: Missing row {i + 1} (child {new[0]}) added, starting the day after row {i} starts, while it is open"
    by = {k: v for k, v in rows_by_child(t, start).items() if len(v) >= 2}
    if not by:
        return None
    child = rng.choice(sorted(by))
    eps = by[child]
    j = rng.randrange(len(eps) - 1)
    (d1, i1), (d2, i2) = eps[j], eps[j + 1]
    e1 = parse_date(t.rows[i1][t.col(end)])
    k = rng.randint(1, 20)
    if e1 and rng.random() < 0.5 and e1 - dt.timedelta(days=k) > d1:
        old = t.rows[i2][t.col(start)]
        t.rows[i2][t.col(start)] = fmt(e1 - dt.timedelta(days=k))
        return f"overlap: {kind} row {i2} (child {child}) {start} {old} -> {t.rows[i2][t.col(start)]}, before row {i1} ends ({fmt(e1)})"
    old = t.rows[i1][t.col(end)]
    t.rows[i1][t.col(end)] = fmt(d2 + dt.timedelta(days=k))
    return f"overlap: {kind} row {i1} (child {child}) {end} {old!r} -> {t.rows[i1][t.col(end)]}, after row {i2} starts ({fmt(d2)})"


def m_gap(rng, this, prev, pools):
    """A gap of a few days between two of a child's episodes that joined up."""
    t = this.get("Episodes")
    if not t:
        return None
    by = {k: v for k, v in rows_by_child(t, "DECOM").items() if len(v) >= 2}
    if not by:
        return None
    child = rng.choice(sorted(by))
    eps = by[child]
    j = rng.randrange(len(eps) - 1)
    (d1, i1), (d2, i2) = eps[j], eps[j + 1]
    k = rng.randint(1, 10)
    old = t.rows[i2][t.col("DECOM")]
    t.rows[i2][t.col("DECOM")] = fmt(d2 + dt.timedelta(days=k))
    return f"gap: Episodes row {i2} (child {child}) DECOM {old} -> {t.rows[i2][t.col('DECOM')]}, {k} days after row {i1} ends"


def m_orphan(rng, this, prev, pools):
    """A row for a child who is not in the Header."""
    name = weighted_table(rng, this, exclude=("Header",))
    if not name:
        return None
    t = this[name]
    i = rng.randrange(len(t.rows))
    new = list(t.rows[i])
    new[0] = f"ORPHAN{rng.randrange(10**6):06d}"
    t.rows.insert(i + 1, new)
    return f"orphan: {name} row {i + 1} added for child {new[0]}, not in the Header (a copy of child {t.rows[i][0]}'s row {i})"


def m_swap_year(rng, this, prev, pools):
    """Last year's file given as this year's: one table, or (rarely) the whole return."""
    if rng.random() < 0.1:
        saved = {n: t.copy() for n, t in this.items()}
        this.clear()
        this.update({n: t.copy() for n, t in prev.items()})
        prev.clear()
        prev.update(saved)
        return "swap_year: the whole return swapped: last year's files given as this year's, and this year's as last year's"
    names = [n for n in this if n in prev]
    name = rng.choice(names)
    this[name] = prev[name].copy()
    return f"swap_year: this year's {name} replaced by last year's {name} ({len(prev[name].rows)} rows)"


MUTATIONS = {
    "blank": m_blank, "bad_code": m_bad_code, "other_code": m_other_code,
    "bad_date": m_bad_date, "shift_date": m_shift_date, "dup_row": m_dup_row,
    "delete_row": m_delete_row, "overlap": m_overlap, "gap": m_gap, "orphan": m_orphan,
    "swap_year": m_swap_year,
}
# how often each kind is drawn (a whole-return swap drowns everything else, so it is rarer)
KIND_WEIGHTS = {"blank": 3, "bad_code": 3, "other_code": 3, "bad_date": 3, "shift_date": 3,
                "dup_row": 3, "delete_row": 2, "overlap": 3, "gap": 2, "orphan": 2, "swap_year": 1}


def cmd_mutate(args):
    base_this, base_prev = read_return(args.this), read_return(args.prev)
    pools = defaultdict(set)   # the codes seen in each field, over both years
    for tables in (base_this, base_prev):
        for name, fields in CODE_FIELDS.items():
            t = tables.get(name)
            if t:
                for f in fields:
                    pools[f].update(r[t.col(f)] for r in t.rows if r[t.col(f)])
    kinds = list(KIND_WEIGHTS)
    for n in range(args.count):
        rng = random.Random(f"{args.seed}/{args.label}/{n}")
        this = {k: t.copy() for k, t in base_this.items()}
        prev = {k: t.copy() for k, t in base_prev.items()}
        count = rng.randint(2, 5)
        if rng.random() < 0.4:   # one kind, several times
            chosen = [rng.choices(kinds, weights=[KIND_WEIGHTS[k] for k in kinds])[0]] * count
        else:
            chosen = rng.choices(kinds, weights=[KIND_WEIGHTS[k] for k in kinds], k=count)
        log = []
        for kind in chosen:
            for _ in range(20):
                what = MUTATIONS[kind](rng, this, prev, pools)
                if what:
                    log.append(what)
                    break
        out = os.path.join(args.out, f"{args.label}-m{n:03d}")
        write_return(this, os.path.join(out, "this"))
        write_return(prev, os.path.join(out, "prev"))
        with open(os.path.join(out, "mutations.txt"), "w") as f:
            f.write("\n".join(log) + "\n")
    return 0


# ----------------------------------------------------------------------------------------------
# The reference validator, repaired

def repair_reference(registry):
    """Repairs three defects of csc-validator-be-903 0.1.17 at run time, for the comparison to be
    about the rules rather than about the harness around them:

    (a) lac_validator/datastore.py `copy_datastore` gives each rule a *shallow* copy of the
        datastore (DataFrame.copy(deep=False)), so a rule writing into a column in place writes
        into every later rule's data: lac2022_23/rule_365.py sets DEC to 31/03 on every episode
        with no DEC (`episodes.loc[episodes["DEC"].isna(), "DEC"] = collection_end_str`), and
        every rule after it sees no open episodes. Repaired: each rule gets a deep copy.
    (b) lac_validator/ingress.py `read_csvs_from_text` derives the Header's UASC column from
        `header.merge(uasc, how="left", on="CHILD", indicator=True)["_merge"]` and assigns it by
        index; a child with two UASC rows makes the merge a row longer, so every Header row after
        that child gets the UASC flag of the row before it. Repaired: UASC is "1" when the child
        has a row in the UASC table, else "0" (the same for Header_last and UASC_last).
    (c) lac2022_23/rule_165.py (still the 2025-26 version) tests SEX against the pre-2024 codes
        "1" (male) and "2" (female); since 2024-25 SEX is M, F or U (the reference's own 101), so
        the rule never sees a female child. Repaired: the rule is given a Header with M read
        as "1" and F as "2".
    """
    import copy
    import dataclasses
    import numpy as np
    from lac_validator import ingress, lac_validator

    def deep_copy_datastore(data_store):
        return {k: (copy.deepcopy(v) if k == "metadata" else v.copy(deep=True))
                for k, v in data_store.items()}
    lac_validator.copy_datastore = deep_copy_datastore   # (a)

    original_read = ingress.read_csvs_from_text

    def read_csvs_from_text(raw_files):
        files = original_read(raw_files)
        for header_name, uasc_name in (("Header", "UASC"), ("Header_last", "UASC_last")):
            if header_name in files and uasc_name in files:
                header = files[header_name]
                header["UASC"] = np.where(header["CHILD"].isin(files[uasc_name]["CHILD"].dropna()), "1", "0")
                header["UASC"] = header["UASC"].astype(object)
        return files
    ingress.read_csvs_from_text = read_csvs_from_text   # (b)

    if "165" in registry:
        rule = registry["165"]
        original_165 = rule.func

        def rule_165(dfs):
            if "Header" in dfs:
                dfs = dict(dfs)
                header = dfs["Header"].copy()
                header["SEX"] = header["SEX"].replace({"M": "1", "F": "2"})
                dfs["Header"] = header
            return original_165(dfs)
        registry["165"] = dataclasses.replace(rule, func=rule_165)   # (c)
    return registry


def cmd_reference(args):
    import contextlib
    import glob
    import io
    import logging
    import time
    import traceback

    logging.disable(logging.CRITICAL)   # it logs every rule at INFO
    from lac_validator import lac_validator
    from lac_validator.rules.ruleset_utils import get_year_ruleset
    from lac_validator.utils import process_uploaded_files

    registry = dict(get_year_ruleset(args.year))
    if not args.unrepaired:
        registry = repair_reference(registry)
    for ret in args.returns:
        started = time.perf_counter()
        files = {
            "This year": sorted(glob.glob(os.path.join(ret, "this", "*.csv"))),
            "Prev year": sorted(glob.glob(os.path.join(ret, "prev", "*.csv"))),
        }
        meta = {"rules": sorted(registry), "failed": [], "skipped": [], "error": None}
        rows = []
        try:
            with contextlib.redirect_stdout(io.StringIO()):   # rule 503D prints its result
                v = lac_validator.LacValidator(
                    metadata={"collectionYear": args.year, "localAuthority": args.la},
                    files=process_uploaded_files(files),
                    registry=registry,
                )
            meta["failed"], meta["skipped"] = [str(c) for c in v.fails], [str(c) for c in v.skips]
            for table, df in v.ds_results.items():
                if table == "metadata":
                    continue
                for col in (c for c in df.columns if str(c).startswith("ERR_")):
                    hit = df[col] == True  # noqa: E712 (NaN where not flagged)
                    for label, child in zip(df.index[hit], df.loc[hit, "CHILD"]):
                        rows.append((col[4:], table, label, "" if child != child or child is None else str(child)))
        except Exception:
            meta["error"] = traceback.format_exc(limit=3)
        meta["seconds"] = round(time.perf_counter() - started, 1)
        with open(os.path.join(ret, "reference.csv"), "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["rule", "table", "row", "child"])
            w.writerows(rows)
        with open(os.path.join(ret, "reference.json"), "w") as f:
            json.dump(meta, f)
        print(f"  {os.path.basename(ret)}: {len(rows)} flagged rows in {meta['seconds']} s"
              + (f"; ERROR {meta['error'].splitlines()[-1]}" if meta["error"] else "")
              + (f"; rules failed: {' '.join(meta['failed'])}" if meta["failed"] else ""), flush=True)
    return 0


# ----------------------------------------------------------------------------------------------
# Comparison

def child_key(child, table, row):
    c = (child or "").strip().upper()
    return c if c else f"(no CHILD: {table} row {row})"


def load_return(ret):
    with open(os.path.join(ret, "careful.json")) as f:
        careful = json.load(f)
    with open(os.path.join(ret, "careful-skipped.txt")) as f:
        c_skipped = set(f.read().split())
    with open(os.path.join(ret, "reference.json")) as f:
        rmeta = json.load(f)
    with open(os.path.join(ret, "reference.csv"), newline="") as f:
        ref = list(csv.DictReader(f))
    c_rows, r_rows = defaultdict(lambda: defaultdict(list)), defaultdict(lambda: defaultdict(list))
    for x in careful:
        c_rows[x["rule"]][child_key(x["child"], x["table"], x["row"])].append(f"{x['table']}[{x['row']}]")
    for x in ref:
        if x["table"].endswith("_last"):
            continue   # careful reports rows of this year's tables only
        r_rows[x["rule"]][child_key(x["child"], x["table"], x["row"])].append(f"{x['table']}[{x['row']}]")
    return c_rows, r_rows, c_skipped, rmeta


def cmd_compare(args):
    with open(args.careful_rules) as f:
        careful_rules = set(f.read().split())
    stats = defaultdict(lambda: {"both": 0, "careful": 0, "reference": 0, "c_skip": 0, "r_skip": 0,
                                 "r_fail": 0, "examples": []})
    ref_rules = None
    excluded, used = [], []
    for ret in sorted(args.returns):
        name = os.path.basename(ret)
        if not os.path.exists(os.path.join(ret, "careful.json")):
            excluded.append(f"{name}: careful could not use the input")
            continue
        c_rows, r_rows, c_skipped, rmeta = load_return(ret)
        if rmeta["error"]:
            excluded.append(f"{name}: the reference stopped: {rmeta['error'].strip().splitlines()[-1]}")
            continue
        used.append(name)
        ref_rules = set(rmeta["rules"])
        size = int(name.split("-")[0][1:]) if name[0] == "n" else 0
        with open(os.path.join(ret, "mutations.txt")) as f:
            muts = [m for m in f.read().splitlines() if m]
        for rule in sorted(careful_rules | ref_rules):
            s = stats[rule]
            if rule in c_skipped:
                s["c_skip"] += 1
            if rule in rmeta["skipped"]:
                s["r_skip"] += 1
            if rule in rmeta["failed"]:
                s["r_fail"] += 1
                continue   # an exception in the reference says nothing of the rule
            cs, rs = set(c_rows.get(rule, {})), set(r_rows.get(rule, {}))
            s["both"] += len(cs & rs)
            s["careful"] += len(cs - rs)
            s["reference"] += len(rs - cs)
            for side, keys in (("careful", cs - rs), ("reference", rs - cs)):
                for k in keys:
                    touched = [m for m in muts if k in m]
                    s["examples"].append({
                        "side": side, "return": name, "child": k, "size": size,
                        "mutations": len(muts), "touched": touched,
                        "careful_rows": c_rows.get(rule, {}).get(k, []),
                        "reference_rows": r_rows.get(rule, {}).get(k, []),
                    })

    def agreement(s):
        n = s["both"] + s["careful"] + s["reference"]
        return (s["both"] / n) if n else None

    lines = []
    lines.append(f"Returns compared: {len(used)}" + (f"; excluded: {len(excluded)}" if excluded else ""))
    for e in excluded:
        lines.append(f"- excluded {e}")
    lines.append("")
    lines.append("| rule | both | only careful | only reference | agreement | careful skipped | reference skipped | reference failed |")
    lines.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    below, full, silent, failed = [], [], [], []
    for rule in sorted(stats, key=rule_sort_key):
        s = stats[rule]
        a = agreement(s)
        if a is None:
            (failed if s["r_fail"] == len(used) else silent).append(rule)
            continue
        (below if a < 1 else full).append(rule)
    for rule in below + full:
        s = stats[rule]
        a = agreement(s)
        note = "" if rule in careful_rules and rule in ref_rules else (
            " (careful only)" if rule in careful_rules else " (reference only)")
        shown = f"{a:.1%}" if a < 0.999 or a == 1 else "99.9%"
        lines.append(f"| {rule}{note} | {s['both']} | {s['careful']} | {s['reference']} | {shown} | "
                     f"{s['c_skip']} | {s['r_skip']} | {s['r_fail']} |")
    lines.append("")
    lines.append(f"Rules below 100%: {len(below)}; at 100%: {len(full)}; no finding from either tool: {len(silent)}.")
    lines.append("")
    lines.append("No finding from either tool: " + " ".join(silent))
    if failed:
        lines.append("")
        lines.append("The reference raised an exception on every return (not compared): " + " ".join(failed))
    lines.append("")
    lines.append("## Examples for rules below 100%")
    lines.append("")
    lines.append("Up to three children per rule, each from the smallest return where it shows, "
                 "children a mutation names first, then the fewest mutations; rows are "
                 "Table[0-based data row]. \"(also unperturbed)\" marks a difference that the "
                 "unperturbed return of that size already shows.")
    for rule in below:
        lines.append("")
        lines.append(f"### {rule}")
        ex = stats[rule]["examples"]
        in_base = {(e["size"], e["child"], e["side"]) for e in ex if e["return"].endswith("-base")}
        for e in ex:
            e["in_base"] = (e["size"], e["child"], e["side"]) in in_base
        ex = sorted(ex, key=lambda e: (e["in_base"] and not e["return"].endswith("-base"),
                                       e["size"], not e["touched"], e["mutations"], e["return"], e["child"]))
        picked, children = [], set()
        for side in ("careful", "reference"):   # one of each side first, where there is one
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
            lines.append(f"- only {e['side']}: {e['return']} child {e['child']}: careful {', '.join(e['careful_rows']) or '-'}; "
                         f"reference {', '.join(e['reference_rows']) or '-'}"
                         + (" (also unperturbed)" if e["in_base"] else "")
                         + (f"; mutation: {' / '.join(e['touched'])}" if e["touched"] else ""))
    text = "\n".join(lines) + "\n"
    with open(args.out, "w") as f:
        f.write(text)
    with open(args.out.replace(".md", ".json"), "w") as f:
        json.dump({r: {k: v for k, v in s.items()} for r, s in stats.items()}, f)
    sys.stdout.write(text)
    return 0


def rule_sort_key(code):
    digits = "".join(ch for ch in code if ch.isdigit())
    return (not code[0].isdigit(), int(digits) if code[0].isdigit() and digits else 0, code)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("mutate")
    m.add_argument("--this", required=True)
    m.add_argument("--prev", required=True)
    m.add_argument("--out", required=True)
    m.add_argument("--label", required=True)
    m.add_argument("--count", type=int, required=True)
    m.add_argument("--seed", default="1")
    r = sub.add_parser("reference")
    r.add_argument("--year", required=True, help="DfE's collection year: 2026 for 2025-26")
    r.add_argument("--la", required=True)
    r.add_argument("--unrepaired", action="store_true", help="run the reference as published")
    r.add_argument("returns", nargs="+")
    c = sub.add_parser("compare")
    c.add_argument("--careful-rules", required=True)
    c.add_argument("--out", required=True)
    c.add_argument("returns", nargs="+")
    args = p.parse_args()
    return {"mutate": cmd_mutate, "reference": cmd_reference, "compare": cmd_compare}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
