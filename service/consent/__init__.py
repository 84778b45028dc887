"""Consents (Einwilligungen): recorded, scoped, revocable; never edited in place."""
