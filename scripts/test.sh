#!/usr/bin/env bash
# The test command of README.md (and of CI): sets the machine up as the classroom devcontainer does (apt packages,
# the pinned Polyglot kernel, build, notebook packages; see .devcontainer/post-create.sh), then runs every test:
# the library against PyTorch fixtures, the runner, and every notebook in the real kernel and in the runner, as
# shipped and with the reference solutions, with their charts opened in headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
bash .devcontainer/post-create.sh --ci
dotnet test TransformerCourse.sln "$@"
