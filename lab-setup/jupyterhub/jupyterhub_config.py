# JupyterHub configuration for a KmsLab class on one machine (JupyterHub 3, Debian's package).
#
#   jupyterhub -f /opt/kmslab/hub/jupyterhub_config.py
#
# Each student is a Unix user of the group kmslab-students (class.sh adds them) and signs in with
# their Unix password (PAM). Their notebook server runs as them, in their private home, with a
# memory limit; its kernels are the .NET Interactive kernel with its HTTP API on a Unix socket, so
# each student's lessons run their own in-process KMS simulator, with its own clock, out of reach
# of every other student. Settings an instructor changes are the KMSLAB_HUB_* variables below
# (set them in the environment of the jupyterhub process, or edit the defaults here).
import os
import shutil

from jupyterhub.spawner import LocalProcessSpawner

c = get_config()  # noqa: F821 (JupyterHub's config loader provides it)


def setting(name, default):
    return os.environ.get("KMSLAB_HUB_" + name, default)


PREFIX = setting("PREFIX", "/opt/kmslab")          # where install.sh put the course
STATE = setting("STATE", "/var/lib/kmslab-hub")    # the hub's database, cookie secret, certificates
COURSE = os.path.join(PREFIX, "course")
COPY = "kmslab-course"                             # each student's own copy, in their home (copy-course.sh)
MEMORY = setting("MEMORY", "3G")                   # per student: the notebook server and its kernels
IDLE_KERNEL_MINUTES = int(setting("IDLE_KERNEL_MINUTES", "30"))
IDLE_SERVER_MINUTES = int(setting("IDLE_SERVER_MINUTES", "60"))

# --- The hub and its proxy --------------------------------------------------------------------
# Where students open the class. Behind a real network give it TLS (c.JupyterHub.ssl_cert and
# ssl_key, or a reverse proxy that has them): passwords travel in the login form.
c.JupyterHub.bind_url = setting("URL", "http://:8000")
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.db_url = "sqlite:///" + os.path.join(STATE, "jupyterhub.sqlite")
c.JupyterHub.cookie_secret_file = os.path.join(STATE, "jupyterhub_cookie_secret")
c.ConfigurableHTTPProxy.command = [os.path.join(PREFIX, "proxy", "node_modules", ".bin", "configurable-http-proxy")]
c.ConfigurableHTTPProxy.pid_file = os.path.join(STATE, "jupyterhub-proxy.pid")
# Mutual TLS between the hub, the proxy and every notebook server: a server accepts only clients
# whose certificate the hub's internal authorities signed for the hub and the proxy, so a student
# who connects to another student's server port on 127.0.0.1 is refused at the handshake.
c.JupyterHub.internal_ssl = True
c.JupyterHub.internal_certs_location = os.path.join(STATE, "internal-ssl")
c.JupyterHub.trusted_alt_names = ["IP:127.0.0.1", "DNS:localhost"]
c.JupyterHub.shutdown_on_logout = True

# --- Who may sign in --------------------------------------------------------------------------
c.JupyterHub.authenticator_class = "pam"
c.PAMAuthenticator.allowed_groups = {"kmslab-students", "kmslab-instructors"}
c.PAMAuthenticator.admin_groups = {"kmslab-instructors"}
c.Authenticator.delete_invalid_users = True


def members(group):
    import grp

    try:
        return set(grp.getgrnam(group).gr_mem)
    except KeyError:
        return set()


# The groups decide who may sign in (a student added later can at once); listing today's members
# also puts them in the hub's database at start, so the admin page shows the whole class and the
# REST API can issue a student a token before their first visit.
c.Authenticator.allowed_users = members("kmslab-students")
c.Authenticator.admin_users = members("kmslab-instructors")

# --- Each student's notebook server -----------------------------------------------------------


def memory_bytes(text):
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
    text = str(text).strip().upper()
    return int(float(text[:-1]) * units[text[-1]]) if text[-1] in units else int(text)


class ClassSpawner(LocalProcessSpawner):
    """A local process per student, as the student, placed in a memory cgroup of its own.

    LocalProcessSpawner only advertises mem_limit; this spawner enforces it: the server and every
    kernel it starts share one cgroup whose limit is mem_limit (the kernel's out-of-memory killer
    ends the largest process in it, not another student's). cgroup v2 (a current Debian) and v1
    (some containers) are both handled; where neither can be written, the hub says so in its log
    and the .NET heap limit below is all that holds.
    """

    def cgroup_path(self):
        name = "kmslab-" + self.user.name
        if os.path.exists("/sys/fs/cgroup/cgroup.controllers"):                   # v2, unified
            return os.path.join("/sys/fs/cgroup/kmslab-class", name), "v2"
        with open("/proc/self/cgroup") as f:                                       # v1: under the hub's own
            for line in f:
                _, controllers, path = line.strip().split(":", 2)
                if "memory" in controllers.split(","):
                    return os.path.join("/sys/fs/cgroup/memory" + path, name), "v1"
        return None, None

    def limit_memory(self, pid):
        path, version = self.cgroup_path()
        if path is None:
            self.log.warning("No memory cgroup to limit %s's server to %s", self.user.name, self.mem_limit)
            return
        try:
            if version == "v2":
                parent = os.path.dirname(path)
                os.makedirs(parent, exist_ok=True)
                with open(os.path.join(parent, "cgroup.subtree_control"), "w") as f:
                    f.write("+memory")
                os.makedirs(path, exist_ok=True)
                with open(os.path.join(path, "memory.max"), "w") as f:
                    f.write(str(self.mem_limit))
                if os.path.exists(os.path.join(path, "memory.swap.max")):  # only with swap accounting
                    with open(os.path.join(path, "memory.swap.max"), "w") as f:
                        f.write("0")
            else:
                os.makedirs(path, exist_ok=True)
                with open(os.path.join(path, "memory.limit_in_bytes"), "w") as f:
                    f.write(str(self.mem_limit))
            with open(os.path.join(path, "cgroup.procs"), "w") as f:
                f.write(str(pid))
            self.log.info("%s's server (pid %s) is limited to %s bytes in %s", self.user.name, pid, self.mem_limit, path)
        except OSError as e:
            self.log.warning("Could not limit %s's server to %s bytes in %s: %s", self.user.name, self.mem_limit, path, e)

    async def start(self):
        url = await super().start()
        self.limit_memory(self.pid)
        return url


def copy_course(spawner):
    """The student's own copy of the lessons (copy-course.sh: once, never overwritten), then theirs."""
    import pwd
    import subprocess

    user = pwd.getpwnam(spawner.user.name)
    target = os.path.join(user.pw_dir, COPY)
    if os.path.lexists(target):
        return
    subprocess.run([os.path.join(PREFIX, "hub", "copy-course.sh"), user.pw_dir], check=True,
                   env={"KMSLAB_HUB_PREFIX": PREFIX, "PATH": "/usr/bin:/bin"})
    for root, dirs, files in os.walk(target):
        for name in [root] + [os.path.join(root, d) for d in dirs] + [os.path.join(root, f) for f in files]:
            os.lchown(name, user.pw_uid, user.pw_gid)
    spawner.log.info("Copied the course for %s into %s", spawner.user.name, target)


c.JupyterHub.spawner_class = ClassSpawner
c.Spawner.pre_spawn_hook = copy_course
c.Spawner.mem_limit = memory_bytes(MEMORY)
c.Spawner.ip = "127.0.0.1"
c.Spawner.notebook_dir = "~"
c.Spawner.default_url = "/tree/" + COPY + "/notebooks"
c.Spawner.http_timeout = 120
c.Spawner.environment = {
    # A .NET kernel never takes more managed heap than its share of the student's memory.
    "DOTNET_GCHeapHardLimit": hex(memory_bytes(MEMORY) * 3 // 4),
    "DOTNET_CLI_TELEMETRY_OPTOUT": "1",
    "DOTNET_NOLOGO": "1",
    "PATH": "/usr/local/bin:/usr/bin:/bin",
}
c.Spawner.args = [
    # A kernel that ran nothing for IDLE_KERNEL_MINUTES is shut down, even with its tab still open
    # (a tab left open over lunch holds half a gigabyte), and a server with no kernel or terminal
    # left stops itself: its memory returns to the machine, the student's next visit starts it
    # again, and their files stay.
    "--MappingKernelManager.cull_idle_timeout=%d" % (IDLE_KERNEL_MINUTES * 60),
    "--MappingKernelManager.cull_interval=60",
    "--MappingKernelManager.cull_connected=True",
    "--NotebookApp.shutdown_no_activity_timeout=%d" % (IDLE_SERVER_MINUTES * 60),
    # Only the lessons' kernel: the machine's python kernel is not part of the class.
    "--KernelSpecManager.allowed_kernelspecs=['.net-csharp', '.net-fsharp', '.net-pwsh']",
]

# A class-specific file next to this one (the test's configuration, an instructor's overrides).
local = os.path.join(os.path.dirname(os.path.abspath(__file__)), "jupyterhub_config.local.py")
if os.path.exists(local):
    load_subconfig(local)  # noqa: F821
