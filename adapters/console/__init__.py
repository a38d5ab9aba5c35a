"""The token-free adapters: transcript replay and an interactive console chat."""
