"""Odd and hostile input, shared by every form test."""

ONE_MB = "测" * (1024 * 1024 // 3)  # about 1 MB of UTF-8

CORPUS = {
    "xml_forbidden": "第一段\x00\x0b\x1f第二段\ufffe",
    "one_megabyte": ONE_MB,
    "bidi_override": "\u202e关于\u202d通知\u202c\u2066x\u2069",
    "html_script": '<script>alert("x")</script><img src=x onerror=alert(1)>"\'><b>',
    "sql_fragment": "'; DROP TABLE users; -- \" OR 1=1 --",
    "mongolian": "ᠦᠬᠠᠢ ᠬᠣᠲᠠ\u202fᠶᠢᠨ ᠲᠣᠪᠴᠢᠶ\u180eᠠ ᠭ\u180bᠠ ᠨ\u180cᠡ ᠠ\u180dᠯ",
    "empty": "",
    "whitespace_only": " \t\u3000\u3000\r\n ",
    "emoji_and_astral": "🙂𠀀𝄞 ㎡ ① ² ——……",
    "format_strings": "%(name)s %s %d {0} {{7*7}} ${x}",
    "very_long_line": "长" * 5000,
}

# Raw bytes that are not valid UTF-8 (a lone surrogate encoded as in CESU-8, and a stray continuation byte).
RAW_BYTES = b"\xed\xa0\x80\x80abc"
