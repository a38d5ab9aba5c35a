"""The Groundrules rules engine: pure and deterministic; events in, actions out."""
