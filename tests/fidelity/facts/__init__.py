"""Documented facts of the official method pages (``bitrix24/b24restdocs``), one module per area.

Each module lists ``METHODS``: every method of its area with the page it was read from and what the emulator
does not emulate of it. Record shapes and documented errors sit beside them as data (:mod:`..shapes`).
The facts come from the pages, never from the emulator's own output.
"""
