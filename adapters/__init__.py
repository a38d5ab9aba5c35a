"""Platform edges: console and replay, Slack, Discord. Only these import a platform."""
