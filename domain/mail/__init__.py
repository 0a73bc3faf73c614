"""Mails the product sends: templates (plain text and HTML, per locale) and how they render."""
