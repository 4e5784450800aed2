"""Security and robustness (issue 16): hostile input, lost answers, leaks."""
