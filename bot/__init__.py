"""The Groundrules application: settings, wiring, storage, timers, CLI."""
