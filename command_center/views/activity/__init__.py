"""The activity feed (最新动态) and the duty log (值班日志)."""
