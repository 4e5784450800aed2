"""Development tools of bitrix24-toolkit (not shipped in the package)."""
