"""Dialogue core and channel adapters (Telegram, Zalo, web chat): see the chatbot issue."""
