#!/usr/bin/env bash
# The same chaos run with three region processes (us-east-1, eu-west-1, ap-southeast-2): the platform must
# keep every invariant with more than the default two regions.
exec bash "$(dirname "${BASH_SOURCE[0]}")/../chaos-suite.sh" --regions us-east-1,eu-west-1,ap-southeast-2
