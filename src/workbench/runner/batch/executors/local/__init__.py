"""The local executor: kernels forked ahead of need on this machine."""
