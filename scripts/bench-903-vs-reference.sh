#!/usr/bin/env bash
# Validates the same synthetic SSDA903 returns (with a previous year) with `careful validate
# ssda903` and with DfE's reference validator (csc-validator-be-903 from PyPI), one after the
# other in one run, and reports each one's wall time and peak memory and the ratios.
#
#   scripts/bench-903-vs-reference.sh                  # about 2,700 and 27,000 children
#   BENCH_SIZES="2700" scripts/bench-903-vs-reference.sh
#
# Not part of CI: the larger size takes the reference validator about ten minutes and 14 GB.
# Needs python3 with venv and pip (PyPI), /usr/bin/time (GNU time) and cargo. Everything it
# makes is under BENCH_DIR (default target/bench-903): the synthetic returns (kept between runs,
# as generating the larger one takes minutes), the virtual environment, and each tool's report.
set -euo pipefail

cd "$(dirname "$0")/.."
root=$(pwd)
work=${BENCH_DIR:-$root/target/bench-903}
sizes=${BENCH_SIZES:-2700 27000}
year=2025-26
previous=2024-25
la=E09000027
# Children in the 903 Header per child in the council's area (measured: a population of 200,000
# gives about 2,700 children looked after during the year).
per_child=74

die() { echo "error: $*" >&2; exit 2; }
[ -x /usr/bin/time ] || die "GNU time (/usr/bin/time) is needed: apt-get install time"
command -v python3 > /dev/null || die "python3 is needed for the reference validator"
mkdir -p "$work"

echo "Building careful (release) ..."
cargo build --release --locked -p careful --quiet
careful=${CARGO_TARGET_DIR:-$root/target}/release/careful

venv=$work/venv
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import lac_validator" 2> /dev/null; then
    echo "Installing the reference validator (csc-validator-be-903==0.1.17) from PyPI into $venv ..."
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet "csc-validator-be-903==0.1.17"
fi

# The reference's own entry point for a whole validation is rpc_main.lac_validate (what its web
# front end calls); this does the same with explicit arguments and writes the three reports its
# users download: the issue list, the error counts and the child summary.
cat > "$work/run_reference.py" << 'PY'
import argparse, contextlib, glob, io, json, logging, os, sys, time

parser = argparse.ArgumentParser()
parser.add_argument("--this", required=True)
parser.add_argument("--prev", required=True)
parser.add_argument("--year", required=True)   # DfE's collection year: "2026" for 2025-26
parser.add_argument("--la", required=True)
parser.add_argument("--out", required=True)
args = parser.parse_args()

started = time.perf_counter()
from lac_validator import lac_validator
from lac_validator.report import Report
from lac_validator.rules.ruleset_utils import get_year_ruleset
from lac_validator.utils import process_uploaded_files
logging.disable(logging.CRITICAL)   # it logs every rule at INFO

files = {
    "This year": sorted(glob.glob(os.path.join(args.this, "*.csv"))),
    "Prev year": sorted(glob.glob(os.path.join(args.prev, "*.csv"))),
}
registry = get_year_ruleset(args.year)
with contextlib.redirect_stdout(io.StringIO()):   # rule 503D prints its result
    v = lac_validator.LacValidator(
        metadata={"collectionYear": args.year, "localAuthority": args.la},
        files=process_uploaded_files(files),
        registry=registry,
    )
validated = time.perf_counter()
r = Report(v.ds_results, registry)
issues = lac_validator.create_issue_df(r.report, r.error_report)
os.makedirs(args.out, exist_ok=True)
issues.to_csv(os.path.join(args.out, "issues.csv"), index=False)
r.error_summary.to_csv(os.path.join(args.out, "error_counts.csv"), index=False)
r.child_summary.to_csv(os.path.join(args.out, "child_summary.csv"), index=False)
done = time.perf_counter()
json.dump({
    "issue_rows": len(issues),
    "rules_run": len(v.dones), "rules_skipped": len(v.skips), "rules_failed": len(v.fails),
    "failed": [str(c) for c in v.fails],
    "validate_s": round(validated - started, 1), "report_s": round(done - validated, 1),
}, sys.stdout)
print()
PY

results=$work/results.txt
: > "$results"
echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); load average $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$results"
echo "careful $("$careful" --version | cut -d' ' -f2), reference csc-validator-be-903 $("$venv/bin/pip" show csc-validator-be-903 | awk '/^Version/ {print $2}'), $(date -u +%Y-%m-%d)" | tee -a "$results"

for children in $sizes; do
    population=$((children * per_child))
    data=$work/data-$population
    for y in $year $previous; do
        if [ ! -f "$data/$y/Header.csv" ]; then
            echo "Generating the $y return of a synthetic council of $population children (seed 1) ..."
            rm -rf "$data/$y"
            "$careful" generate --population "$population" --years 2 --seed 1 --end 2026-03-31 \
                --year "$y" --ssda903 "$data/$y" > /dev/null
        fi
    done
    header_rows=$(($(wc -l < "$data/$year/Header.csv") - 1))
    rows=$(cat "$data/$year"/*.csv "$data/$previous"/*.csv | wc -l)
    echo
    echo "== $header_rows children ($year with $previous; $rows lines of CSV in all) ==" | tee -a "$results"

    out=$work/out-$population
    rm -rf "$out"
    mkdir -p "$out"
    # careful takes well under a second, so it runs once untimed (as the machine settles after
    # the build and the files come into the page cache, which the reference then also finds
    # there), then five times; the median time and the largest peak memory are reported.
    "$careful" validate ssda903 "$data/$year" --previous "$data/$previous" --year "$year" --la "$la" \
        --format table --out "$out/careful-report.txt" > /dev/null || true
    for run in 1 2 3 4 5; do
        status=0
        /usr/bin/time -a -f "%e %M" -o "$out/careful.time" "$careful" validate ssda903 "$data/$year" \
            --previous "$data/$previous" --year "$year" --la "$la" --format table \
            --out "$out/careful-report.txt" > "$out/careful.stdout" || status=$?
        [ "$status" -le 1 ] || die "careful validate failed (status $status): $(cat "$out/careful.stdout")"
    done
    # (GNU time writes "Command exited with non-zero status 1" before its figures when there
    # are findings.)
    c_s=$(grep -v '^Command' "$out/careful.time" | awk '{print $1}' | sort -n | sed -n 3p)
    c_kb=$(grep -v '^Command' "$out/careful.time" | awk '{print $2}' | sort -n | tail -n1)
    c_findings=$(head -n1 "$out/careful.stdout")

    echo "Running the reference validator (this takes a while) ..."
    /usr/bin/time -f "%e %M" -o "$out/reference.time" "$venv/bin/python" "$work/run_reference.py" \
        --this "$data/$year" --prev "$data/$previous" --year "${year:0:2}${year:5:2}" --la "$la" \
        --out "$out/reference" > "$out/reference.json" 2> "$out/reference.stderr" \
        || die "the reference validator failed: $(tail -n5 "$out/reference.stderr")"
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
