// The serve tests drive bash, the aws CLIs, python3 and node, and check Unix file modes.
[assembly: System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
