#!/usr/bin/env bash
# The AWS emulator suite needs moto's server mode (Python). Installs it with pip when it is missing,
# as .ci/cfn-lint.sh does for cfn-lint.
set -euo pipefail
if ! python3 -c 'import moto.server' >/dev/null 2>&1; then
  echo "emulator: moto is not installed, installing it with pip"
  pip install --quiet 'moto[server]' || { echo "emulator: FAILED: moto is missing and could not be installed" >&2; exit 1; }
fi
echo "emulator: moto $(python3 -c 'import moto; print(moto.__version__)')"
