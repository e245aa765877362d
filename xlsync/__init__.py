"""xlsync: 项目支出绩效目标表 in Excel, validated, computed, stored and consolidated."""

__version__ = "0.1.0"
