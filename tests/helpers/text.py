"""Text that must come through every layer exactly as typed."""

# ᠦᠬᠠᠢ ᠬᠣᠲᠠ<U+202F>ᠶᠢᠨ … with free variation selectors (U+180B–U+180D, U+180F) and the vowel separator (U+180E).
MONGOLIAN = "ᠦᠬᠠᠢ ᠬᠣᠲᠠ\u202fᠶᠢᠨ ᠰᠤᠷᠭᠠᠨ ᠬᠦᠮᠦᠵᠢᠯ\u202fᠦᠨ ᠲᠣᠪᠴᠢᠶ\u180eᠠ ᠭ\u180b ᠨ\u180c\u180d ᠠ\u180f"
