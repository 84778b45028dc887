"""Clients (Kundinnen und Kunden, eLb): the data subjects."""
