#!/usr/bin/env bash
# Runs once when the container is created: a ready course, nothing left for the learner to install.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# Jupyter, for learners who prefer it to VS Code's notebooks (Debian's packages).
sudo apt-get update -qq
sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq jupyter-notebook jupyter-nbconvert >/dev/null
# The .NET Interactive kernel, pinned, registered with its HTTP API on a private socket (see docs/learner.md).
dotnet tool install -g Microsoft.dotnet-interactive --version 1.0.712001 || dotnet tool update -g Microsoft.dotnet-interactive --version 1.0.712001
# The course: every lesson's setup cell loads artifacts/kmslab, which this build fills.
dotnet build KmsLab.sln
dotnet run --project src/KmsLab.Cli --no-build -- kernel install
echo "KmsLab is ready: open notebooks/00-start-here.ipynb, or run: dotnet run --project src/KmsLab.Cli -- run notebooks"
