"""Start Command Center from a source checkout: ``python main.py [options]`` (the same as the
installed ``command-center`` command)."""

from __future__ import annotations

import sys


def _prepare_webengine() -> None:
    from command_center.views.webengine import prepare_webengine

    prepare_webengine()


def main() -> int:
    _prepare_webengine()
    from command_center.cli import main as cli_main

    return cli_main()


if __name__ == "__main__":
    sys.exit(main())
