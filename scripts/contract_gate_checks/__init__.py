"""The breaking-change gate's parts: the base revision, the verdict and one checker per contract kind."""
