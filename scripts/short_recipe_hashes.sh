#!/usr/bin/env bash
# Trains the default-model recipe, shortened as Tests/HeadLabCLITests/Fixtures/short-recipe-sha256.json
# says, under each OpenBLAS kernel family named on the command line ("native" leaves
# OPENBLAS_CORETYPE unset), and prints each family's name (the card's blasCore) and the SHA-256 of
# the model.safetensors it wrote: the numbers ReproducibilityTests compares with.
#   scripts/short_recipe_hashes.sh native SkylakeX Haswell Cooperlake
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$work/short-recipe.json" <<'PY'
import json, sys
recipe = json.load(open("Sources/TransformerEngine/Resources/default-model/recipe.json"))
fixture = json.load(open("Tests/HeadLabCLITests/Fixtures/short-recipe-sha256.json"))
for section, values in fixture["shortening"].items():
    recipe.setdefault(section, {}).update(values)
json.dump(recipe, open(sys.argv[1], "w"), sort_keys=True)
PY
for family in "$@"; do
  out="$work/$family"
  if [ "$family" = native ]; then
    env -u OPENBLAS_CORETYPE .build/release/headlab train --config "$work/short-recipe.json" --out "$out" --eval-prompts 10 >/dev/null 2>&1
  else
    OPENBLAS_CORETYPE="$family" .build/release/headlab train --config "$work/short-recipe.json" --out "$out" --eval-prompts 10 >/dev/null 2>&1
  fi
  core=$(python3 -c "import json, sys; print(json.load(open(sys.argv[1]))['blasCore'])" "$out/card.json")
  echo "$core $(sha256sum "$out/model.safetensors" | cut -d' ' -f1)"
done
