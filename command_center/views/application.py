"""The Qt application as every window of the program gets it: names, style, fonts, the Chinese
or English translations, the database opened with a splash screen, and the sign-in."""


from __future__ import annotations

import logging
import signal
import sys
import threading
from collections.abc import Sequence
from concurrent.futures import Future
from pathlib import Path

from PySide6.QtCore import (
    QCoreApplication,
    QEventLoop,
    QLibraryInfo,
    QLocale,
    QObject,
    QSettings,
    Qt,
    QTimer,
    QTranslator,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QPainter, QPixmap
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QSplashScreen, QWidget

from command_center import config
from command_center.db.connection import Database, open_database
from command_center.services import auth
from command_center.services.audit import Actor
from command_center.services.auth import SignIn, UserInfo
from command_center.services.status import describe_url
from command_center.views import gc_guard
from command_center.views.login_dialog import ChangePasswordDialog, LoginDialog
from command_center.views.main_window import LANGUAGE_KEY
from command_center.workers.ops import OpsRunner

log = logging.getLogger(__name__)

RESOURCES_DIR = Path(__file__).resolve().parents[2] / "resources"
I18N_DIR = RESOURCES_DIR / "i18n"
QSS_FILE = RESOURCES_DIR / "qss" / "command_center.qss"
TRANSLATION_BASENAME = "command_center"
DEFAULT_LANGUAGE = "zh_CN"
LANGUAGES = ("zh_CN", "en")
FONT_FAMILIES = ["Noto Sans CJK SC", "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC",
                 "Source Han Sans SC", "sans-serif"]
BASE_POINT_SIZE = 11


class Translations:
    """Our translator and Qt's own (standard dialogs, buttons), kept referenced while installed.

    English is the source language, so switching to it only removes the translators.
    """

    def __init__(self, app: QCoreApplication) -> None:
        self._app = app
        self._translators: list[QTranslator] = []
        self._language = "en"

    @property
    def language(self) -> str:
        return self._language

    def switch(self, language: str) -> bool:
        """Install ``language``; False (and nothing changed) if its translation is missing."""
        if language not in LANGUAGES:
            return False
        loaded: list[QTranslator] = []
        if language != "en":
            ours = QTranslator(self._app)
            if not ours.load(f"{TRANSLATION_BASENAME}_{language}", str(I18N_DIR)):
                return False
            loaded.append(ours)
            qt = QTranslator(self._app)
            qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
            if qt.load(f"qtbase_{language}", qt_dir):
                loaded.append(qt)
        # dates and weekdays follow the interface language, not the machine's locale
        QLocale.setDefault(QLocale("zh_CN" if language == "zh_CN" else "en_US"))
        for old in self._translators:
            self._app.removeTranslator(old)
        for new in loaded:
            self._app.installTranslator(new)
        self._translators = loaded
        self._language = language
        return True


def make_application(
    argv: Sequence[str] | None = None, language: str | None = None
) -> tuple[QApplication, Translations]:
    """The QApplication with our names (for QSettings), font, style sheet and language."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(list(argv if argv is not None else sys.argv))
    gc_guard.install(app)  # collections on the GUI thread only (a worker's froze the program)
    app.setOrganizationName(config.ORGANIZATION)
    app.setApplicationName(config.APP_NAME)
    app.setStyle("Fusion")
    font = QFont()
    font.setFamilies(FONT_FAMILIES)
    font.setPointSize(BASE_POINT_SIZE)
    app.setFont(font)
    if QSS_FILE.exists():
        app.setStyleSheet(QSS_FILE.read_text(encoding="utf-8"))
    translations = Translations(app)
    wanted = language or str(QSettings().value(LANGUAGE_KEY, DEFAULT_LANGUAGE) or "")
    if wanted not in LANGUAGES:
        wanted = DEFAULT_LANGUAGE
    if not translations.switch(wanted):
        translations.switch("en")
    return app, translations


# --- opening the database without freezing the screen --------------------------------------


class _Done(QObject):
    sig_done = Signal()


def _splash(text: str) -> QSplashScreen:
    pixmap = QPixmap(520, 160)
    pixmap.fill(QColor("#1f3550"))
    painter = QPainter(pixmap)
    font = QFont(QApplication.font())
    font.setPointSize(18)
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QColor("#ffffff"))
    painter.drawText(pixmap.rect().adjusted(24, 24, -24, -70), Qt.AlignmentFlag.AlignLeft,
                     "网格化综治指挥中心")
    painter.end()
    splash = QSplashScreen(pixmap)
    splash.showMessage(text, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom,
                       QColor("#dfe7f0"))
    return splash


def open_database_interactively(
    url: str | None, pending: Future[Database] | None = None, *, as_gatekeeper: bool = True
) -> Database | None:
    """Open (or start) the database on a helper thread behind a splash screen; on failure say
    so in Chinese and English and return None. ``pending`` is an opening already under way
    (the command line starts it before Qt is even imported)."""
    outcome: dict[str, object] = {}
    done = _Done()
    loop = QEventLoop()
    done.sig_done.connect(loop.quit, Qt.ConnectionType.QueuedConnection)

    def work() -> None:
        try:
            outcome["db"] = (
                pending.result() if pending is not None
                else open_database(url, as_gatekeeper=as_gatekeeper)
            )
        except Exception as exc:  # shown to the operator below
            outcome["error"] = exc
        finally:
            done.sig_done.emit()

    splash = _splash(
        "正在启动内置数据库… / starting the embedded database…" if url is None
        else "正在连接数据库… / connecting to the database…"
    )
    splash.show()
    thread = threading.Thread(target=work, name="cc-open-database", daemon=True)
    thread.start()
    if thread.is_alive():
        loop.exec()
    thread.join()
    splash.close()
    db = outcome.get("db")
    if isinstance(db, Database):
        return db
    exc = outcome.get("error")
    log.error("cannot open the database: %s", exc)
    where = "内置数据库 / the embedded database" if url is None else _safe_describe(url)
    box = QMessageBox(QMessageBox.Icon.Critical, "无法打开数据库 / Cannot open the database",
                      f"无法打开数据库。\nThe database cannot be opened.\n\n{where}")
    box.setInformativeText(
        "请检查数据库服务器是否运行，或用 --database-url / COMMAND_CENTER_DATABASE_URL 指定。\n"
        "Check that the server is running, or give --database-url / "
        "COMMAND_CENTER_DATABASE_URL."
    )
    box.setDetailedText(str(exc))
    box.exec()
    return None


def _safe_describe(url: str) -> str:
    try:
        return describe_url(url)
    except Exception:  # not even a URL: say nothing that might hold a password
        return "?"


# --- signing in --------------------------------------------------------------------------


def sign_in(
    gate: Database, runner: OpsRunner, username: str | None
) -> tuple[UserInfo, Database] | None:
    """Sign in through the gatekeeper (``gate``): ``username`` with the demo password on a
    demo database, else the sign-in dialog. Returns the user and the database opened as the
    user's own login (``gate`` then no longer owns the embedded server); None if cancelled."""
    signed: SignIn | None = None
    accounts: list[UserInfo] = []
    try:
        # before any window exists: nothing to freeze, so done in place
        with gate.sessions() as session:
            demo = auth.is_demo(session)
            if username and not demo:
                QMessageBox.warning(
                    None,
                    QCoreApplication.translate("App", "Sign in"),
                    QCoreApplication.translate(
                        "App", "--user works only on the demo database. Sign in with your "
                        "password."
                    ),
                )
            elif username:
                try:
                    signed = auth.sign_in(session, username, auth.DEMO_PASSWORD)
                except auth.AuthError as exc:
                    QMessageBox.warning(
                        None, QCoreApplication.translate("App", "Sign in"), str(exc)
                    )
            if signed is None and demo:
                accounts = auth.demo_accounts(session)
    except Exception as exc:
        QMessageBox.critical(
            None, "无法登录 / Cannot sign in",
            f"无法连接登录服务。\nThe sign-in service cannot be reached.\n\n{exc}",
        )
        return None
    if signed is None:
        dialog = LoginDialog(accounts, runner)
        close_on_sigint(dialog)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.signed_in is None:
            return None
        signed = dialog.signed_in
    db = gate.as_login(signed.db_login, signed.secret)
    try:
        with db.sessions() as session:
            user = auth.user_info(session, signed.user_id)
            must_change = auth.must_change_password(session)
    except Exception as exc:
        db.release()
        QMessageBox.critical(
            None, "无法登录 / Cannot sign in",
            f"无法以您的账户连接数据库。\nThe database refused your account's connection.\n\n"
            f"{exc}",
        )
        return None
    if must_change and not _choose_password(db, user):
        db.release()
        return None
    gate.release()
    return user, db


def _choose_password(db: Database, user: UserInfo) -> bool:
    """The first sign-in after an administrator set the password: the user chooses one."""

    def save(password: str) -> None:
        with db.sessions() as session:
            auth.set_password(session, Actor(user.id, user.display_name), user.id, password)

    return ChangePasswordDialog(user, save).exec() == QDialog.DialogCode.Accepted


def close_on_sigint(window: QWidget) -> QTimer:
    """Ctrl+C in the terminal, or SIGTERM (a logout, a service manager, ``timeout``), closes
    ``window`` properly: layout saved, listener stopped, the embedded database shut down rather
    than left running.

    Python runs a signal handler only between bytecodes, never while Qt's loop waits in C++:
    the returned timer (stop it after the loop) lets Python run twice a second."""
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: window.close())
    wakeup = QTimer(window)
    wakeup.setInterval(500)
    wakeup.timeout.connect(lambda: None)
    wakeup.start()
    return wakeup


