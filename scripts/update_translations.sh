#!/usr/bin/env bash
# Extract the interface strings into the .ts files and compile them to .qm.
#   scripts/update_translations.sh
# Then translate the new entries (Qt Linguist: .venv/bin/pyside6-linguist resources/i18n/*.ts)
# and run the script again. Commit both the .ts and the .qm files: the program loads the .qm.
set -euo pipefail

cd "$(dirname "$0")/.."
bin=".venv/bin"
[ -x "$bin/pyside6-lupdate" ] || bin="$(dirname "$(command -v pyside6-lupdate)")"

sources=$(find command_center -name '*.py' \( -path '*/views/*' -o -name app.py \) | sort)
for lang in zh_CN; do
    ts="resources/i18n/command_center_${lang}.ts"
    # -no-obsolete: strings no longer in the code leave the file
    "$bin/pyside6-lupdate" -no-obsolete -locations relative -target-language "$lang" \
        $sources -ts "$ts"
    "$bin/pyside6-lrelease" "$ts" -qm "resources/i18n/command_center_${lang}.qm"
done
