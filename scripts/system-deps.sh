#!/bin/sh
# Debian packages the toolkit needs outside Python: venv support for python3, and the
# Pango/HarfBuzz/fontconfig libraries WeasyPrint loads to print the PDF report.
# With --test also what the test suite starts: a PostgreSQL server and a Java runtime (Spark).
# Installs what is missing (as root, or with sudo); otherwise says what to install.
set -eu

PACKAGES="python3-venv libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libfontconfig1 fonts-dejavu-core"
LIBS="libpango-1.0.so.0 libpangoft2-1.0.so.0 libharfbuzz.so.0 libharfbuzz-subset.so.0 libfontconfig.so.1"

missing_libs=""
for lib in $LIBS; do
    if ! ldconfig -p 2>/dev/null | grep -q "$lib"; then
        missing_libs="$missing_libs $lib"
    fi
done
if [ "${1:-}" = "--test" ]; then
    PACKAGES="$PACKAGES postgresql openjdk-17-jre-headless"
    ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing_libs="$missing_libs postgresql"
    command -v java >/dev/null 2>&1 || missing_libs="$missing_libs java"
fi
python_ok=1
"${PYTHON:-python3}" -c 'import ensurepip, venv' 2>/dev/null || python_ok=0

if [ -z "$missing_libs" ] && [ "$python_ok" = 1 ]; then
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "Missing system libraries:$missing_libs (python venv ok: $python_ok)." >&2
    echo "Install Pango (>= 1.44), HarfBuzz and fontconfig with your package manager; see README.md." >&2
    exit 1
fi
SUDO=""
if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
        echo "Missing:$missing_libs. Run as root: apt-get install -y $PACKAGES" >&2
        exit 1
    fi
fi
echo "Installing Debian packages: $PACKAGES" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $PACKAGES >/dev/null
