"""Typed call factories per REST area; the client namespaces (``b24.crm.deal``) are generated from them."""
