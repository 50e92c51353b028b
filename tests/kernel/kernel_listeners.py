"""Starts a registered Jupyter kernel, runs one cell in it, and prints (as JSON) what the kernel's
process tree listens on, next to the ports its connection file gives Jupyter's channels.
Usage: python3 kernel_listeners.py KERNEL_NAME. Honours JUPYTER_DATA_DIR / JUPYTER_RUNTIME_DIR."""
import json, subprocess, sys, time
from jupyter_client import KernelManager

km = KernelManager(kernel_name=sys.argv[1])
km.start_kernel()
try:
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=180)
    reply = kc.execute_interactive("1 + 1", timeout=180)
    time.sleep(1)  # the HTTP host starts alongside the first cell; give it a moment to bind

    def tree(pid):
        children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
        return [str(pid)] + [p for c in children for p in tree(c)]

    pids = tree(km.provisioner.process.pid)
    listeners = []
    for line in subprocess.run(["ss", "-lnpH"], capture_output=True, text=True).stdout.splitlines():
        fields = line.split()
        if any(f"pid={p}," in line for p in pids):
            listeners.append({"protocol": fields[0], "local": fields[4]})
    info = km.get_connection_info()
    print(json.dumps({
        "status": reply["content"]["status"],
        "connection_ports": [info[k] for k in ("shell_port", "iopub_port", "stdin_port", "control_port", "hb_port")],
        "connection_file": km.connection_file,
        "listeners": listeners,
    }))
    kc.stop_channels()
finally:
    km.shutdown_kernel(now=True)
