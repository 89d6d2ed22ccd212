"""Tests that need LibreOffice: they skip, saying what is missing, where it is not installed; under CI they fail."""

import pytest

from app.documents import pdf
from tests.helpers.databases import IN_CI


def require_libreoffice(*, server: bool = False) -> None:
    missing = []
    if pdf.find_soffice() is None:
        missing.append("no soffice (SOFFICE, PATH)")
    if server and pdf.find_uno_python() is None:
        missing.append("no Python with uno and unoserver (UNO_PYTHON, .venv-uno, /usr/bin/python3)")
    if missing:
        message = f"LibreOffice not installed: {'; '.join(missing)}. {pdf.INSTALL_HINT}"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
