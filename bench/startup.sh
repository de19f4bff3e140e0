#!/usr/bin/env bash
# Whole-process speed of `train` on full Fashion-MNIST (BP 784-256-256-10, batch 128), as a user
# meets it: the first run after a build against the runs after it, and `train --epochs 2` minus
# `train --epochs 0`, back to back. Prints the machine's load beside every figure; rerun on a quiet
# machine for figures to publish. Where python with torch is found (as for `bench --peer torch`:
# $SOFTALIGN_PEER_PYTHON, else /usr/bin/python3, run under $SOFTALIGN_PEER_ENV), each pair is
# followed by PyTorch's 2 epochs of the same training (bench/peer/torch_train.py), back to back.
# Usage: bench/startup.sh [repeats, default 4] [dtype f64|f32, default f64]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repeats="${1:-4}"
dtype="${2:-f64}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
train() { ./softalign train --dataset fashion-mnist --depth 2 --width 256 --batch 128 --dtype "$dtype" --out "$out/run" --overwrite "$@"; }
python="${SOFTALIGN_PEER_PYTHON:-/usr/bin/python3}"
peer=$([[ -x "$python" ]] && "$python" -c 'import torch' 2>/dev/null && echo yes || echo no)
data=/usr/share/datasets/fashion-mnist
wall() { local s; s=$(date +%s.%N); "$@" > "$out/last.txt" 2>&1; echo "$(date +%s.%N) - $s" | bc; }

echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs), $(nproc) cores; $(date -u '+%F %H:%M UTC'); dtype $dtype"
touch src/main/java/dev/softalign/cli/Main.java   # the next run rebuilds, as after an edit or a pull
./softalign --version >/dev/null                   # the build and the class-data archive: not timed
for i in $(seq 1 $((repeats + 1))); do
    w=$(wall train --epochs 1)
    label=$([[ $i == 1 ]] && echo "first run after the build" || echo "later run $((i - 1))")
    printf '%-26s wall %6.2f s; %s; %s; load %s\n' "$label" "$w" "$(grep -o 'test loss.*' "$out/last.txt" | grep -o '[0-9.]* s$')" \
        "$(grep '^time:' "$out/last.txt")" "$(cut -d' ' -f1 /proc/loadavg)"
done
# The two runs of a pair alternate in order. Here a process started right after PyTorch's ran
# 0.2-0.8 s longer than one started after another softalign run (train --epochs 0: 2.6-3.4 s
# against 2.2-2.8 s, 2026-12-06; the extra is mostly system time, 1.0-1.4 s against 0.5-0.8 s), so
# with a fixed order that cost fell on one side of every difference. Even repeats balance it; the
# mean of the pairs is printed last.
costs=()
torch=()
for i in $(seq 1 "$repeats"); do
    if (( i % 2 == 1 )); then w2=$(wall train --epochs 2); w0=$(wall train --epochs 0); first="--epochs 2"
    else w0=$(wall train --epochs 0); w2=$(wall train --epochs 2); first="--epochs 0"; fi
    cost=$(echo "$w2 - $w0" | bc)
    costs+=("$cost")
    printf 'train --epochs 2 %6.2f s, --epochs 0 %6.2f s (%s first): 2 epochs cost %6.2f s (load %s)\n' "$w2" "$w0" \
        "$first" "$cost" "$(cut -d' ' -f1 /proc/loadavg)"
    if [[ $peer == yes ]]; then
        # shellcheck disable=SC2086 # the peer environment is a list of NAME=VALUE words
        t=$(env ${SOFTALIGN_PEER_ENV:-} "$python" bench/peer/torch_train.py --data "$data" --dtype "$dtype" \
            --epochs 2 --threads "$(nproc)" --out "$out" | tail -1 | grep -o '[0-9.]* s$' | grep -o '^[0-9.]*')
        torch+=("$t")
        printf 'PyTorch %s, the same 2 epochs: %s s (load %s)\n' "$("$python" -c 'import torch; print(torch.__version__)')" \
            "$t" "$(cut -d' ' -f1 /proc/loadavg)"
    fi
done
mean() { printf '%s\n' "$@" | awk '{ s += $1 } END { printf "%.2f", s / NR }'; }
printf '2 epochs, mean of %d pairs: softalign %s s' "$repeats" "$(mean "${costs[@]}")"
[[ $peer == yes ]] && printf ', PyTorch %s s' "$(mean "${torch[@]}")"
echo
