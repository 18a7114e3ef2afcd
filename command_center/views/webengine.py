"""What Qt WebEngine needs before the QApplication exists: the ``app://`` scheme that serves the
map page registered, shared OpenGL contexts, and QtWebEngineWidgets imported. Every entry point
(``python main.py``, the installed ``command-center`` command, the tests) calls
:func:`prepare_webengine` first; without WebEngine installed the program runs without the map.
"""

from __future__ import annotations

import os

APP_SCHEME = b"app"
_prepared = False


def prepare_webengine() -> None:
    """Idempotent; must run before the QApplication is made."""
    global _prepared
    if _prepared:
        return
    # Chromium's sandbox refuses to start as root and in many containers
    os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
    try:
        from PySide6.QtCore import QCoreApplication, Qt
        from PySide6.QtWebEngineCore import QWebEngineUrlScheme
    except ImportError:
        return
    if QCoreApplication.instance() is not None:
        return  # too late to register anything; the caller made the application first
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
    _prepared = True
