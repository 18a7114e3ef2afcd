"""The incident and work-order queues and the department inbox (部门收件箱)."""
