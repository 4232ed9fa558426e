"""Generated sample scans: the demo inbox and the test fixtures come from here."""
