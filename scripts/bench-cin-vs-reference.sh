#!/usr/bin/env bash
# Validates the same synthetic Children in Need censuses with `careful validate cin` and with
# DfE's reference validator (csc-validator-be-cin from PyPI), one after the other in one run,
# and reports each one's wall time and peak memory and the ratios.
#
#   scripts/bench-cin-vs-reference.sh                  # about 300 and 12,000 children
#   BENCH_SIZES="300" scripts/bench-cin-vs-reference.sh
#
# Not part of CI: the larger size takes the reference validator about three minutes (it is
# quadratic in the children of the census). Needs python3 with venv and pip (PyPI),
# /usr/bin/time (GNU time: apt-get install time) and cargo. Everything it makes is under
# BENCH_DIR (default target/bench-cin): the synthetic censuses (kept between runs), the virtual
# environment, and each tool's report.
set -euo pipefail

cd "$(dirname "$0")/.."
root=$(pwd)
work=${BENCH_DIR:-$root/target/bench-cin}
sizes=${BENCH_SIZES:-300 12000}
year=2025-26
# <Child> elements in the census per child in the council's area, as a fraction: a population
# of 4,000 gives 290 children in the census and 160,000 gives 11,927 (measured, seed 1, census
# year ending 31 March 2026), so the population is the children wanted times 40 / 3.
per_child_num=40
per_child_den=3

die() { echo "error: $*" >&2; exit 2; }
[ -x /usr/bin/time ] || die "GNU time (/usr/bin/time) is needed: apt-get install time"
command -v python3 > /dev/null || die "python3 is needed for the reference validator"
mkdir -p "$work"
work=$(cd "$work" && pwd)

echo "Building careful (release) ..."
cargo build --release --locked -p careful --quiet
careful=${CARGO_TARGET_DIR:-$root/target}/release/careful

venv=$work/venv
if [ ! -x "$venv/bin/python" ] || ! (cd / && "$venv/bin/python" -c "import pandas, cin_validator") 2> /dev/null; then
    echo "Installing the reference validator (csc-validator-be-cin==0.1.13) from PyPI into $venv ..."
    python3 -m venv "$venv"
    # It asks for pandas below 2 but not numpy below 2, and pandas 1.5 does not load with numpy 2.
    "$venv/bin/pip" install --quiet "csc-validator-be-cin==0.1.13" "numpy<2"
fi

# The reference's own entry point for a whole validation is rpc_main.cin_validate (what its web
# front end calls: read the XML into tables, parse the dates, run every rule of the year, build
# the issue locations and the report its users download). This calls it on the file and writes
# the downloadable report as CSV. (rpc_main opens a log file in the working folder when
# imported, so this runs in the output folder.)
cat > "$work/run_reference.py" << 'PY'
import argparse, contextlib, io, json, os, sys, time

parser = argparse.ArgumentParser()
parser.add_argument("--census", required=True)
parser.add_argument("--year", required=True)   # DfE's collection year: "2026" for 2025-26
parser.add_argument("--out", required=True)
args = parser.parse_args()

started = time.perf_counter()
os.makedirs(args.out, exist_ok=True)
os.chdir(args.out)
import pandas as pd
import rpc_main

with open(args.census, "rb") as census, contextlib.redirect_stdout(io.StringIO()) as printed:
    result = rpc_main.cin_validate({"This year": [census]}, {"collectionYear": args.year})
validated = time.perf_counter()
report = pd.read_json(io.StringIO(result["user_report"][0]), orient="records")
report.to_csv("user_report.csv", index=False)
issues = pd.read_json(io.StringIO(result["issue_locations"][0]), orient="records")
failed = [line for line in printed.getvalue().splitlines() if line.startswith("Error with rule")]
json.dump({
    "report_rows": len(report), "issue_locations": len(issues),
    "rules_flagging": int(issues["rule_code"].nunique()) if len(issues) else 0,
    "rules_failed": len(failed), "validate_s": round(validated - started, 1),
}, sys.stdout)
print()
PY

results=$work/results.txt
: > "$results"
echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); load average $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$results"
echo "careful $("$careful" --version | cut -d' ' -f2), reference csc-validator-be-cin $("$venv/bin/pip" show csc-validator-be-cin | awk '/^Version/ {print $2}'), $(date -u +%Y-%m-%d)" | tee -a "$results"

for children in $sizes; do
    population=$((children * per_child_num / per_child_den))
    census=$work/cin-$population.xml
    if [ ! -f "$census" ]; then
        echo "Generating the $year census of a synthetic council of $population children (seed 1) ..."
        "$careful" generate --population "$population" --seed 1 --end 2026-03-31 \
            --year "$year" --cin "$census.part" > /dev/null
        mv "$census.part" "$census"
    fi
    in_census=$(grep -c '<Child>' "$census")
    echo
    echo "== $in_census children in the census (population $population; $(($(wc -c < "$census") / 1024)) KiB of XML) ==" | tee -a "$results"

    out=$work/out-$population
    rm -rf "$out"
    mkdir -p "$out"
    # careful runs once untimed (as the machine settles after the build and the file comes into
    # the page cache, where the reference then also finds it), then five times; the median time
    # and the largest peak memory are reported.
    "$careful" validate cin "$census" --format table --out "$out/careful-report.txt" > /dev/null || true
    for run in 1 2 3 4 5; do
        status=0
        /usr/bin/time -a -f "%e %M" -o "$out/careful.time" "$careful" validate cin "$census" \
            --format table --out "$out/careful-report.txt" > "$out/careful.stdout" || status=$?
        [ "$status" -le 1 ] || die "careful validate failed (status $status): $(cat "$out/careful.stdout")"
    done
    # (GNU time writes "Command exited with non-zero status 1" before its figures when there
    # are findings.)
    c_s=$(grep -v '^Command' "$out/careful.time" | awk '{print $1}' | sort -n | sed -n 3p)
    c_kb=$(grep -v '^Command' "$out/careful.time" | awk '{print $2}' | sort -n | tail -n1)
    c_findings=$(head -n1 "$out/careful.stdout" | sed 's/^[^:]*: //')

    echo "Running the reference validator (this takes a while) ..."
    (cd / && /usr/bin/time -f "%e %M" -o "$out/reference.time" "$venv/bin/python" "$work/run_reference.py" \
        --census "$census" --year "20${year:5:2}" --out "$out/reference" > "$out/reference.json" \
        2> "$out/reference.stderr") || die "the reference validator failed: $(tail -n5 "$out/reference.stderr")"
    read -r r_s r_kb < <(grep -v '^Command' "$out/reference.time" | tail -n1)

    {
        printf '%-10s %10s %14s  %s\n' "tool" "wall (s)" "peak RSS (MB)" "output"
        printf '%-10s %10s %14s  %s\n' "careful" "$c_s" "$((c_kb / 1024))" "$c_findings"
        printf '%-10s %10s %14s  %s\n' "reference" "$r_s" "$((r_kb / 1024))" "$(cat "$out/reference.json")"
        awk -v cs="$c_s" -v ck="$c_kb" -v rs="$r_s" -v rk="$r_kb" 'BEGIN {
            t = (cs > 0) ? rs / cs : 0
            printf "careful is %.0fx faster and uses %.0fx less memory\n", t, rk / ck
        }'
    } | tee -a "$results"
done
echo
echo "Results in $results"
