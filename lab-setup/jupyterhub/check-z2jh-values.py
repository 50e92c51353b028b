#!/usr/bin/python3
"""Checks z2jh-values.yaml as helm would: merged over the chart's own values.yaml, against the
chart's schema, at the chart version the values are written for.

    check-z2jh-values.py CHART_CHECKOUT [REF] [VALUES]

CHART_CHECKOUT is a git clone of github.com/jupyterhub/zero-to-jupyterhub-k8s; REF the chart
version's tag (default 2.0.0, whose schema is jupyterhub/schema.yaml); VALUES default
z2jh-values.yaml next to this script. Needs python3-yaml and python3-jsonschema (Debian).
"""
import os
import subprocess
import sys

import jsonschema
import yaml


def merge(a, b):
    """b over a, as helm merges a values file over the chart's defaults."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = dict(a)
        for k, v in b.items():
            out[k] = merge(a.get(k), v) if k in a else v
        return out
    return b


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    repo = sys.argv[1]
    ref = sys.argv[2] if len(sys.argv) > 2 else "2.0.0"
    values = sys.argv[3] if len(sys.argv) > 3 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "z2jh-values.yaml")

    def show(path):
        return subprocess.check_output(["git", "-C", repo, "show", f"{ref}:{path}"], text=True)

    schema = yaml.safe_load(show("jupyterhub/schema.yaml"))
    defaults = yaml.safe_load(show("jupyterhub/values.yaml"))
    with open(values) as f:
        ours = yaml.safe_load(f)
    try:
        jsonschema.validate(merge(defaults, ours), schema)
    except jsonschema.ValidationError as e:
        print(f"{values}: not valid for chart {ref}: {e.message} (at {'/'.join(str(p) for p in e.absolute_path)})", file=sys.stderr)
        return 1
    print(f"{values}: valid for chart {ref}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
