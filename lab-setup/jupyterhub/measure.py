#!/usr/bin/python3
"""What one student costs: each lesson run top to bottom in a fresh .NET Interactive kernel, as a
student runs it in the class's hub, with the kernel's resident memory after the lesson, its peak,
and the CPU seconds it used. The sizing table of docs/classroom-hub.md comes from this script.

    /opt/kmslab/hub/measure.py [--course /opt/kmslab/course] [--csv sizes.csv] [LESSON ...]

It runs the lessons from a scratch copy (the course stays untouched) with a scratch progress
file, through Debian's nbclient and jupyter_client, with the kernel the hub's students get.
"""
import argparse
import csv
import os
import shutil
import sys
import tempfile
import time

import nbformat
from nbclient import NotebookClient

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def kernel_stats(pid):
    """(resident MiB, peak resident MiB, CPU seconds) of the kernel process and its children."""
    with open(f"/proc/{pid}/status") as f:
        fields = dict(line.split(":", 1) for line in f if ":" in line)
    rss = int(fields["VmRSS"].split()[0]) / 1024
    peak = int(fields["VmHWM"].split()[0]) / 1024
    with open(f"/proc/{pid}/stat") as f:
        stat = f.read().rsplit(")", 1)[1].split()
    # utime, stime, cutime, cstime: fields 14-17 of proc(5), 12-15 after the command name.
    cpu = sum(int(x) for x in stat[11:15]) / CLOCK_TICKS
    return rss, peak, cpu


def measure(path, workdir):
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, kernel_name=".net-csharp", timeout=600, allow_errors=False,
                            resources={"metadata": {"path": workdir}})
    started = time.monotonic()
    with client.setup_kernel():
        pid = client.km.provisioner.process.pid
        idle = kernel_stats(pid)
        for index, cell in enumerate(nb.cells):
            if cell.cell_type == "code":
                client.execute_cell(cell, index)
        after = kernel_stats(pid)
    return {
        "lesson": os.path.basename(path),
        "code_cells": sum(1 for c in nb.cells if c.cell_type == "code"),
        "wall_s": round(time.monotonic() - started, 1),
        "kernel_start_rss_mib": round(idle[0]),
        "rss_after_mib": round(after[0]),
        "peak_rss_mib": round(after[1]),
        "cpu_s": round(after[2], 1),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--course", default=os.environ.get("KMSLAB_HUB_PREFIX", "/opt/kmslab") + "/course")
    parser.add_argument("--csv", help="also write the table as CSV")
    parser.add_argument("lessons", nargs="*", help="lesson files (default: every lesson of the course)")
    args = parser.parse_args()

    scratch = tempfile.mkdtemp(prefix="kmslab-measure-")
    try:
        notebooks = os.path.join(scratch, "notebooks")
        shutil.copytree(os.path.join(args.course, "notebooks"), notebooks)
        os.symlink(os.path.join(args.course, "artifacts"), os.path.join(scratch, "artifacts"))
        os.environ["KMSLAB_PROGRESS"] = os.path.join(scratch, "progress.db")
        os.environ.setdefault("Logging__LogLevel__Default", "Error")  # the kernel host's start-up lines
        lessons = args.lessons or sorted(f for f in os.listdir(notebooks) if f.endswith(".ipynb"))
        rows = []
        print(f"{'lesson':<34} {'cells':>5} {'wall s':>7} {'start MiB':>9} {'after MiB':>9} {'peak MiB':>8} {'CPU s':>6}")
        for lesson in lessons:
            row = measure(os.path.join(notebooks, os.path.basename(lesson)), notebooks)
            rows.append(row)
            print(f"{row['lesson']:<34} {row['code_cells']:>5} {row['wall_s']:>7} {row['kernel_start_rss_mib']:>9} "
                  f"{row['rss_after_mib']:>9} {row['peak_rss_mib']:>8} {row['cpu_s']:>6}", flush=True)
        if args.csv:
            with open(args.csv, "w", newline="") as f:
                writer = csv.DictWriter(f, fieldnames=list(rows[0]))
                writer.writeheader()
                writer.writerows(rows)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
