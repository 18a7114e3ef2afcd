"""Intake (事件登记): the operator's form for a call, and the import of 12345 request tables."""

from command_center.views.intake.import_dialog import ImportTableDialog
from command_center.views.intake.intake_form import IntakeFormView

__all__ = ["ImportTableDialog", "IntakeFormView"]
