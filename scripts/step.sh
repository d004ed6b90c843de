#!/usr/bin/env bash
# Print a progress heading.
printf '\n\033[1;32m==> %s\033[0m\n' "$*"
