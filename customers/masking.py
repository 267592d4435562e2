"""Masking of customer contact details for roles that may not see them (DESIGN rule 8)."""


def mask_phone(phone: str) -> str:
    digits = phone.strip()
    if not digits:
        return ""
    if len(digits) <= 4:
        return "*" * len(digits)
    if len(digits) <= 7:
        return digits[:1] + "*" * (len(digits) - 3) + digits[-2:]
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_email(email: str) -> str:
    if "@" not in email:
        return "*" * len(email)
    local, _, domain = email.partition("@")
    shown = local[:1] if local else ""
    return f"{shown}***@{domain}"
