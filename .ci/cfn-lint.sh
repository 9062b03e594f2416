#!/usr/bin/env bash
# Infra checks beyond vitest: synthesize the whole CDK app (offline, no credentials; cdk-nag runs as
# a validation plugin and fails synthesis on any unacknowledged finding), then cfn-lint every
# CloudFormation template of the cloud assembly. Errors fail the script; warnings are printed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
INFRA="$ROOT/apps/infra"
OUT="$INFRA/cdk.out/ci"

if ! command -v cfn-lint >/dev/null 2>&1; then
  echo "infra: cfn-lint not found, installing it with pip"
  pip install --quiet cfn-lint || { echo "infra: FAILED: cfn-lint is missing and could not be installed" >&2; exit 1; }
fi
echo "infra: $(cfn-lint --version)"

echo "infra: cdk synth (offline, with bundling and cdk-nag) -> ${OUT#"$ROOT"/}"
rm -rf "$OUT"
# No credentials may be needed: hide any that the environment has.
(cd "$INFRA" && env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN -u AWS_PROFILE \
  AWS_EC2_METADATA_DISABLED=true npx cdk synth --quiet --output "$OUT")

mapfile -t TEMPLATES < <(find "$OUT" -name '*.template.json' | sort)
if [ "${#TEMPLATES[@]}" -eq 0 ]; then
  echo "infra: FAILED: no templates were synthesized" >&2
  exit 1
fi
echo "infra: cfn-lint over ${#TEMPLATES[@]} templates:"
for template in "${TEMPLATES[@]}"; do echo "  ${template#"$OUT"/}"; done

# Acknowledged rules, each for what aws-cdk-lib generates, not what Meridian writes:
# - W3005: CDK adds an explicit DependsOn on a Lambda's or state machine's role (and its policy) next to
#   the GetAtt of the role: redundant, and it orders the policy before the function, on purpose.
# - W1020: CDK Pipelines writes the asset publishing roles' ARNs as Fn::Sub with nothing left to substitute.
set +e
cfn-lint --format parseable --non-zero-exit-code error --ignore-checks W3005 W1020 -- "${TEMPLATES[@]}" \
  > "$OUT/cfn-lint.txt"
status=$?
set -e
errors=$(grep -c ':E[0-9]' "$OUT/cfn-lint.txt" || true)
warnings=$(grep -c ':W[0-9]' "$OUT/cfn-lint.txt" || true)
echo "infra: cfn-lint: $errors errors, $warnings warnings (details: ${OUT#"$ROOT"/}/cfn-lint.txt)"
if [ "$warnings" -gt 0 ]; then
  echo "infra: warnings by rule:"
  grep -o ':W[0-9]*:' "$OUT/cfn-lint.txt" | tr -d ':' | sort | uniq -c | sed 's/^/  /'
fi
if [ "$status" -ne 0 ]; then
  grep ':E[0-9]' "$OUT/cfn-lint.txt" >&2 || true
  echo "infra: FAILED: cfn-lint reported errors" >&2
  exit 1
fi
echo "infra: OK"
