#!/usr/bin/env bash
# Extract the interface strings into the .ts files and compile them to one .qm.
#   scripts/update_translations.sh            update every .ts file, then compile
#   scripts/update_translations.sh --compile  only compile
# A package under command_center/views/ may keep its own file, resources/i18n/<package>_zh_CN.ts
# (so that people working on different views do not edit one file); everything else is in
# resources/i18n/command_center_zh_CN.ts. All of them compile into command_center_zh_CN.qm,
# which the program loads. Translate the new entries (Qt Linguist:
# .venv/bin/pyside6-linguist resources/i18n/*.ts), run the script again, commit .ts and .qm.
set -euo pipefail

cd "$(dirname "$0")/.."
bin=".venv/bin"
[ -x "$bin/pyside6-lupdate" ] || bin="$(dirname "$(command -v pyside6-lupdate)")"

lang=zh_CN
main_ts="resources/i18n/command_center_${lang}.ts"
if [ "${1:-}" != "--compile" ]; then
    exclude=()
    for ts in resources/i18n/*_"${lang}".ts; do
        [ "$ts" = "$main_ts" ] && continue
        area=$(basename "$ts" "_${lang}.ts")
        dir="command_center/views/$area"
        [ -d "$dir" ] || { echo "no $dir for $ts" >&2; exit 1; }
        exclude+=(-not -path "$dir/*")
        # -no-obsolete: strings no longer in the code leave the file
        "$bin/pyside6-lupdate" -no-obsolete -locations relative -target-language "$lang" \
            $(find "$dir" -name '*.py' | sort) -ts "$ts"
    done
    sources=$(find command_center -name '*.py' \( -path '*/views/*' -o -name app.py \) \
        "${exclude[@]}" | sort)
    "$bin/pyside6-lupdate" -no-obsolete -locations relative -target-language "$lang" \
        $sources -ts "$main_ts"
fi
"$bin/pyside6-lrelease" resources/i18n/*_"${lang}".ts -qm "resources/i18n/command_center_${lang}.qm"
