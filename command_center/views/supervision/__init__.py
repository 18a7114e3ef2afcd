"""Supervision (督办): the supervisor's ledger and the department's banner in the inbox."""
