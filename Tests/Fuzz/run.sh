#!/usr/bin/env bash
# Placeholder: the fuzz run is being written.
echo "fuzz: not yet"
