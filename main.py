"""Start Command Center from a source checkout: ``python main.py [options]``.

Qt WebEngine must be set up before any QApplication exists: the ``app://`` URL scheme that
serves the map page has to be registered, and QtWebEngineWidgets imported, first. The map comes
later; without WebEngine installed the program runs without it.
"""

from __future__ import annotations

import os
import sys

APP_SCHEME = b"app"


def _prepare_webengine() -> None:
    # Chromium's sandbox refuses to start as root and in many containers
    os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
    try:
        from PySide6.QtCore import QCoreApplication, Qt
        from PySide6.QtWebEngineCore import QWebEngineUrlScheme
    except ImportError:
        return
    scheme = QWebEngineUrlScheme(APP_SCHEME)
    scheme.setSyntax(QWebEngineUrlScheme.Syntax.Host)
    scheme.setFlags(
        QWebEngineUrlScheme.Flag.SecureScheme
        | QWebEngineUrlScheme.Flag.LocalAccessAllowed
        | QWebEngineUrlScheme.Flag.CorsEnabled
    )
    QWebEngineUrlScheme.registerScheme(scheme)
    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    try:
        import PySide6.QtWebEngineWidgets  # noqa: F401  (must precede the QApplication)
    except ImportError:
        pass


def main() -> int:
    _prepare_webengine()
    from command_center.cli import main as cli_main

    return cli_main()


if __name__ == "__main__":
    sys.exit(main())
