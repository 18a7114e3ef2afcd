"""The disputes working area (矛盾纠纷调解)."""
