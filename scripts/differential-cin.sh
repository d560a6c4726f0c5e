#!/usr/bin/env bash
# A differential test of careful's Children in Need census validator against DfE's reference
# validator (csc-validator-be-cin 0.1.13 from PyPI, the Python package cin_validator), on
# synthetic censuses and many perturbed copies of them. Prints, for each rule code, how many
# (census, child, rule) findings only careful reports, only the reference reports, and both, with
# examples for every rule below 100% agreement. See docs/cin.md, "Differential test against the
# reference", and docs/returns.md.
#
#   scripts/differential-cin.sh                    # 100, 300, 1,000 children; about 10 minutes
#   DIFF_SIZES="100" DIFF_COUNTS="10" scripts/differential-cin.sh
#
# Not part of CI (nothing in .ci or scripts/test runs it): it installs the reference from PyPI
# and takes about ten minutes. Needs python3 with venv and pip, and cargo.
#
# What it does:
#   1. builds careful (release) and installs the reference in a virtual environment;
#   2. generates a synthetic council's 2025-26 census for each size with `careful generate`
#      (seed 1; a population of 40 / 3 children in the area per child in the census);
#   3. makes DIFF_COUNTS perturbed censuses of each size with scripts/differential_cin.py
#      mutate: each gets 2 to 5 seeded random mutations (an element emptied or removed, a bad
#      code, another code of the same element, an invalid or wrongly written date, a date
#      shifted, a date moved past the census end, two dates of one element swapped, a child
#      duplicated, two children given one ID, an assessment, plan, enquiry, review, episode or
#      disability list deleted or duplicated, a bad UPN, rarely a header value), logged in the
#      census's mutations.txt; the unperturbed censuses are compared too;
#   4. runs `careful validate cin --format json` and the reference (in one Python process: its
#      own reading, date parsing and rule loop; see cmd_reference in the helper) on each;
#   5. compares them per rule code at the level of (census, child, rule) and writes the table
#      to DIFF_DIR/results.md (and the counts with every example to results.json).
#
# Environment:
#   DIFF_DIR     where everything goes (default target/differential-cin): the base censuses
#                (kept between runs), the venv (kept), the perturbed censuses and each tool's
#                findings
#   DIFF_SIZES   children in each base census (default "100 300 1000")
#   DIFF_COUNTS  perturbed censuses per size, in the same order (default "60 30 6")
#   DIFF_SEED    the mutations' seed (default 1)
set -euo pipefail

cd "$(dirname "$0")/.."
root=$(pwd)
work=${DIFF_DIR:-$root/target/differential-cin}
read -r -a sizes <<< "${DIFF_SIZES:-100 300 1000}"
read -r -a counts <<< "${DIFF_COUNTS:-60 30 6}"
seed=${DIFF_SEED:-1}
year=2025-26
helper=$root/scripts/differential_cin.py

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
if [ ! -x "$venv/bin/python" ] || ! (cd / && "$venv/bin/python" -c "import pandas, cin_validator") 2> /dev/null; then
    echo "Installing the reference validator (csc-validator-be-cin==0.1.13) from PyPI into $venv ..."
    python3 -m venv "$venv"
    # It asks for pandas below 2 but not numpy below 2, and pandas 1.5 does not load with numpy 2.
    "$venv/bin/pip" install --quiet "csc-validator-be-cin==0.1.13" "numpy<2"
fi
py() { (cd "$work" && "$venv/bin/python" "$helper" "$@"); }

censuses=$work/censuses
rm -rf "$censuses"
mkdir -p "$censuses"
for k in "${!sizes[@]}"; do
    children=${sizes[$k]}
    population=$((children * 40 / 3))
    base=$work/base-$population.xml
    if [ ! -f "$base" ]; then
        echo "Generating the $year census of a synthetic council of $population children (seed 1) ..."
        "$careful" generate --population "$population" --seed 1 --end 2026-03-31 --year "$year" \
            --cin "$base.part" > /dev/null
        mv "$base.part" "$base"
    fi
    echo "Base n$children: $(grep -c '<Child>' "$base") children in the census"
    mkdir -p "$censuses/n$children-base"
    cp "$base" "$censuses/n$children-base/census.xml"
    echo "(the unperturbed census)" > "$censuses/n$children-base/mutations.txt"
    py mutate --census "$base" --out "$censuses" --label "n$children" --count "${counts[$k]}" --seed "$seed"
done
mapfile -t all < <(find "$censuses" -mindepth 1 -maxdepth 1 -type d | sort)
echo "${#all[@]} censuses to check"

echo "Running careful on each ..."
for c in "${all[@]}"; do
    status=0
    "$careful" validate cin "$c/census.xml" --format json --out "$c/careful.json" \
        > "$c/careful.stdout" 2> "$c/careful.stderr" || status=$?
    if [ "$status" -gt 1 ]; then
        echo "  $(basename "$c"): careful could not read it as a census: $(head -n3 "$c/careful.stderr")"
        rm -f "$c/careful.json"
    fi
done

echo "Running the reference on each (one process) ..."
py reference --year "20${year:5:2}" "${all[@]}"

cut -d, -f1 "$root/crates/returns/data/dfe-cin-rules-$year.csv" | tail -n +2 > "$work/careful-rules.txt"
{
    echo "# Differential test: careful against csc-validator-be-cin 0.1.13"
    echo
    echo "$(date -u +%Y-%m-%d); careful $("$careful" --version | cut -d' ' -f2); $year;" \
        "sizes (children in the census): ${sizes[*]}; perturbed censuses per size: ${counts[*]}; seed $seed"
    echo
} > "$work/results.md.head"
py compare --careful-rules "$work/careful-rules.txt" --out "$work/results.body.md" "${all[@]}" > /dev/null
cat "$work/results.md.head" "$work/results.body.md" > "$work/results.md"
mv "$work/results.body.json" "$work/results.json"
rm -f "$work/results.md.head" "$work/results.body.md"
cat "$work/results.md"
echo
echo "Results in $work/results.md (every example in $work/results.json)"
