#!/usr/bin/env bash
# A plain `pip install .` into a fresh venv runs `infer` on the installed demo frames, from outside the
# repository, on the CPU (LiteRT, no TensorFlow): exit 0 and one overlay per frame.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/venv"
"$work/venv/bin/python" -m pip install -q --upgrade pip
"$work/venv/bin/python" -m pip install -q "$repo"
cd "$work"
frames="$("$work/venv/bin/python" -c 'import follow_me_seg, os; print(os.path.dirname(follow_me_seg.__file__))')/demo_frames"
"$work/venv/bin/infer" --images "$frames/images" --masks "$frames/masks" --out "$work/out"
count="$(ls "$work/out/overlays" | wc -l)"
echo "pip install check: $count overlays"
test "$count" -eq "$(ls "$frames/images" | wc -l)"
