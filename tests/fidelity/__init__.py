"""Fidelity suite: the emulator against the official method pages of ``bitrix24/b24restdocs``."""
