"""Reference data (programmes, organisations, training modules) and the demo data set."""
