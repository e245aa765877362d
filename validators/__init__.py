"""xlsync.validators: pandera schemas over tidy tables, and rule profiles.

Installed as ``xlsync.validators`` (never as a top-level ``validators``). The profile loader
is light (TOML only); the schemas import pandera only when they are used; the plan checks'
declarations and their plain runner (plan_checks) import neither pandas nor pandera.
"""
