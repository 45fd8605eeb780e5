"""landing → lake: read each landed file, split it into reports and extract metrics, targets and totals."""
