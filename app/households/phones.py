"""Indonesian phone numbers, written many ways, kept one way: +62 and the digits."""

import re

_SEPARATORS = re.compile(r"[\s\-.()/]")


def normalise_phone(text: str) -> str:
    """Turn 0812-3456-789, +62 812 3456 789 or 62812... into +628123456789.

    Raises ``ValueError`` for anything that is not an Indonesian number.
    """
    digits = _SEPARATORS.sub("", text.strip())
    if digits.startswith("+"):
        digits = digits[1:]
        if not digits.startswith("62"):
            raise ValueError("not an Indonesian number (+62)")
    if not digits.isdigit():
        raise ValueError("a phone number has only digits")
    if digits.startswith("62"):
        national = digits[2:]
    elif digits.startswith("0"):
        national = digits[1:]
    else:
        raise ValueError("start with 0 or +62")
    # Mobile numbers are 8xx with 9-12 digits; landlines an area code and 7-10 digits.
    if national.startswith("0") or not 8 <= len(national) <= 12:
        raise ValueError("wrong number of digits")
    return f"+62{national}"
