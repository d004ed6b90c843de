#!/usr/bin/env bash
# Stop with a clear message instead of a stack trace.
printf '\n\033[1;31mERROR: %s\033[0m\n' "$*" >&2
exit 1
