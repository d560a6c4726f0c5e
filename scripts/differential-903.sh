#!/usr/bin/env bash
# A differential test of careful's SSDA903 validator against DfE's reference validator
# (csc-validator-be-903 0.1.17 from PyPI, the Python package lac_validator), on synthetic
# returns and many perturbed copies of them. Prints, for each rule code, how many (child, rule)
# findings only careful reports, only the reference reports, and both, with examples for every
# rule below 100% agreement. See docs/returns.md, "Differential test against the reference".
#
#   scripts/differential-903.sh                    # 100, 500, 2,000 children; 93 returns, ~10 min
#   DIFF_SIZES="100" DIFF_COUNTS="10" scripts/differential-903.sh
#
# Not part of CI (nothing in .ci or scripts/test runs it): it installs the reference from PyPI
# and takes about ten minutes. Needs python3 with venv and pip, and cargo.
#
# What it does:
#   1. builds careful (release) and installs the reference in a virtual environment;
#   2. generates a synthetic council's 2025-26 and 2024-25 returns for each size with `careful
#      generate` (seed 1; a population of 74 children in the area per child looked after);
#   3. makes DIFF_COUNTS perturbed returns of each size with scripts/differential_903.py mutate:
#      each gets 2 to 5 seeded random mutations (blank cells, bad codes, codes valid in another
#      field, bad dates, shifted dates, duplicated and deleted rows, overlapping episodes and
#      missing periods, gaps between episodes, orphan rows, last year's table given as this
#      year's), logged in the return's mutations.txt; the unperturbed returns are compared too;
#   4. runs `careful validate ssda903 --format json` and the reference (in one Python process,
#      repaired at run time for three of its defects: see repair_reference in the helper) on
#      every return;
#   5. compares them per rule code at the level of (return, child, rule) and writes the table
#      to DIFF_DIR/results.md (and the counts with every example to results.json).
#
# Environment:
#   DIFF_DIR     where everything goes (default target/differential-903): the base returns (kept
#                between runs), the venv (kept), the perturbed returns and each tool's findings
#   DIFF_SIZES   children looked after in each base return (default "100 500 2000")
#   DIFF_COUNTS  perturbed returns per size, in the same order (default "40 30 20")
#   DIFF_SEED    the mutations' seed (default 1)
set -euo pipefail

cd "$(dirname "$0")/.."
root=$(pwd)
work=${DIFF_DIR:-$root/target/differential-903}
read -r -a sizes <<< "${DIFF_SIZES:-100 500 2000}"
read -r -a counts <<< "${DIFF_COUNTS:-40 30 20}"
seed=${DIFF_SEED:-1}
year=2025-26
previous=2024-25
la=E09000027
# Children in the 903 Header per child in the council's area (as in bench-903-vs-reference.sh).
per_child=74
helper=$root/scripts/differential_903.py

die() { echo "error: $*" >&2; exit 2; }
command -v python3 > /dev/null || die "python3 is needed for the reference validator"
[ "${#sizes[@]}" -eq "${#counts[@]}" ] || die "DIFF_SIZES and DIFF_COUNTS need as many words each"
mkdir -p "$work"
work=$(cd "$work" && pwd)

echo "Building careful (release) ..."
cargo build --release --locked -p careful --quiet
careful=${CARGO_TARGET_DIR:-$root/target}/release/careful
[ -x "$careful" ] || die "no careful binary at $careful"

venv=$work/venv
if [ ! -x "$venv/bin/python" ] || ! (cd / && "$venv/bin/python" -c "import lac_validator") 2> /dev/null; then
    echo "Installing the reference validator (csc-validator-be-903==0.1.17) from PyPI into $venv ..."
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet "csc-validator-be-903==0.1.17"
fi
# (lac_validator has a module named types.py: run its Python from a folder other than its own.)
py() { (cd "$work" && "$venv/bin/python" "$helper" "$@"); }

returns=$work/returns
rm -rf "$returns"
mkdir -p "$returns"
for k in "${!sizes[@]}"; do
    children=${sizes[$k]}
    population=$((children * per_child))
    data=$work/base-$population
    for y in $year $previous; do
        if [ ! -f "$data/$y/Header.csv" ]; then
            echo "Generating the $y return of a synthetic council of $population children (seed 1) ..."
            rm -rf "$data/$y"
            "$careful" generate --population "$population" --years 2 --seed 1 --end 2026-03-31 \
                --year "$y" --ssda903 "$data/$y" > /dev/null
        fi
    done
    echo "Base n$children: $(($(wc -l < "$data/$year/Header.csv") - 1)) children in this year's Header"
    mkdir -p "$returns/n$children-base"
    cp -r "$data/$year" "$returns/n$children-base/this"
    cp -r "$data/$previous" "$returns/n$children-base/prev"
    echo "(the unperturbed return)" > "$returns/n$children-base/mutations.txt"
    py mutate --this "$data/$year" --prev "$data/$previous" --out "$returns" \
        --label "n$children" --count "${counts[$k]}" --seed "$seed"
done
mapfile -t all < <(find "$returns" -mindepth 1 -maxdepth 1 -type d | sort)
echo "${#all[@]} returns to check"

echo "Running careful on each ..."
for ret in "${all[@]}"; do
    status=0
    "$careful" validate ssda903 "$ret/this" --previous "$ret/prev" --year "$year" --la "$la" \
        --format json --out "$ret/careful.json" > "$ret/careful.stdout" 2> "$ret/careful.stderr" \
        || status=$?
    if [ "$status" -gt 1 ]; then
        echo "  $(basename "$ret"): careful could not use the input: $(head -n3 "$ret/careful.stderr")"
        rm -f "$ret/careful.json"
        continue
    fi
    # "Not run (reason): 105, 164, ..." lines: the rules careful did not run on this return.
    sed -n 's/^Not run (.*): \([^()]*\)$/\1/p' "$ret/careful.stdout" | tr ', ' '\n\n' | sed '/^$/d' \
        > "$ret/careful-skipped.txt"
done

echo "Running the reference on each (repaired; one process) ..."
py reference --year "20${year:5:2}" --la "$la" "${all[@]}"

cut -d, -f1 "$root/crates/returns/data/dfe-ssda903-rules-$year.csv" | tail -n +2 > "$work/careful-rules.txt"
{
    echo "# Differential test: careful against csc-validator-be-903 0.1.17 (repaired)"
    echo
    echo "$(date -u +%Y-%m-%d); careful $("$careful" --version | cut -d' ' -f2); $year with $previous;" \
        "sizes (children looked after): ${sizes[*]}; perturbed returns per size: ${counts[*]}; seed $seed"
    echo
} > "$work/results.md.head"
py compare --careful-rules "$work/careful-rules.txt" --out "$work/results.body.md" "${all[@]}" > /dev/null
cat "$work/results.md.head" "$work/results.body.md" > "$work/results.md"
mv "$work/results.body.json" "$work/results.json"
rm -f "$work/results.md.head" "$work/results.body.md"
cat "$work/results.md"
echo
echo "Results in $work/results.md (every example in $work/results.json)"
