"""What a new password must be: long enough, not one of the first a guesser tries, not the login name.

A short list, not a dictionary: these are the passwords a sprayer tries first (the most common ones in the leaked
lists, Chinese sites' included), and the throttling of logins (services.authenticate) leaves a guesser only a handful
of tries per account.
"""

from flask_babel import gettext as _

MIN_LENGTH = 8

COMMON_PASSWORDS = frozenset(
    """
    00000000 11111111 12121212 12341234 12344321 12345678 123456789 1234567890 0123456789 87654321 98765432 11223344
    11112222 22222222 66666666 88888888 99999999 123123123 12345612 123456aa 147258369 159753123 520131400
    5201314520 1314520520 woaini1314 woaini520 aa123456 a1234567 a12345678 a123456789 abc12345 abc123456 abcd1234
    1234abcd 12345abc qq123456 qwertyui qwertyuiop qwerty12 qwerty123 1qaz2wsx 1q2w3e4r 1q2w3e4r5t qazwsxedc
    zxcvbnm1 zxcvbnm123 asdfghjk asdf1234 qwer1234 1234qwer aaaaaaaa abcdefgh password password1 password12
    password123 passw0rd p@ssw0rd p@ssword iloveyou iloveyou1 admin123 admin1234 administrator welcome1 welcome123
    letmein1 sunshine football baseball princess superman 12qwaszx test1234 test12345 computer
    """.split()
)


def password_problem(password: str, username: str | None = None) -> str | None:
    """Why the password may not be used, for the person choosing it; None when it may."""
    if len(password) < MIN_LENGTH:
        return _("Use at least %(count)d characters.", count=MIN_LENGTH)
    if password.lower() in COMMON_PASSWORDS:
        return _("This password is one of the most common ones, the first a guesser tries: choose another.")
    if username and password.lower() == username.lower():
        return _("The password must not be the username.")
    return None
