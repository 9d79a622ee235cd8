"""Where a batch's rows run (see the batch package)."""
