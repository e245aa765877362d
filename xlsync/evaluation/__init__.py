"""The rest of the year: 绩效运行监控 and 绩效自评 against the declared indicators.

rules: the scoring rules of a rule profile ([scoring]); scoring: scores that explain
themselves; checks: findings on what was entered; sheet / sheetread: the 绩效运行监控表 and
绩效自评表 sheets; report: what `xlsync score` prints.
"""
