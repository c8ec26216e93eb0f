"""The request parameters a record may keep: small scalars that name things (names, ARNs, ids,
qualifiers, prefixes), lists of them, and booleans such as WithDecryption. Values, message bodies,
secrets, passwords, tokens, code, object bodies and anything nested are dropped, except the few
nested names that locate a function's code."""

import re

SENSITIVE = re.compile(
    r"value|body|secret|password|passphrase|token|zipfile|plaintext|ciphertext|assertion|userdata|content|"
    r"payload|privatekey|customerkey|signature|credential|environment|receipthandle|authorization|data$|"
    r"attributes|tags?$|metadata|variables|document|^policy$",
    re.IGNORECASE)
NESTED_KEPT = {"Code": ("S3Bucket", "S3Key", "S3ObjectVersion", "ImageUri")}
MAX_TEXT = 512
MAX_ITEMS = 50


def redact(params: dict) -> dict:
    kept = {}
    for name, value in params.items():
        if not isinstance(name, str) or SENSITIVE.search(name):
            continue
        if name in NESTED_KEPT and isinstance(value, dict):
            for inner in NESTED_KEPT[name]:
                if _small(value.get(inner)):
                    kept[f"{name}.{inner}"] = value[inner]
        elif _small(value):
            kept[name] = value
        elif isinstance(value, list) and len(value) <= MAX_ITEMS and value and all(_small(v) for v in value):
            kept[name] = list(value)
    return kept


def _small(value) -> bool:
    if isinstance(value, bool) or isinstance(value, (int, float)):
        return True
    return isinstance(value, str) and len(value) <= MAX_TEXT
